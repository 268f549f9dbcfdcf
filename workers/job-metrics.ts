/**
 * What the workers of a process record (src/shared/metrics.ts): each job's run time by queue, job and
 * outcome; each solved sub-problem's search time and iterations (from the job's result, so a solve in
 * a sandboxed child counts too); each stored round's planning time (its merge job was queued with
 * the flow, so from then to the merge's end), sub-problems, unserved needs and cost. And the
 * heartbeat readiness asks for: every worker running, not paused, its Redis connection answering.
 * The outbound webhooks' and the notices' workers count the same way, and their results by outcome.
 */
import type { Job, Worker } from 'bullmq';
import { isJobName, QUEUE, type QueueName } from '../src/contracts/jobs';
import { NOTICE_JOB, NOTICE_QUEUE } from '../src/contracts/notices.contract';
import { WEBHOOK_JOB, WEBHOOK_QUEUE } from '../src/contracts/webhooks.contract';
import type { MergeOptions } from '../src/services/rounds/round.service';
import type { SolveOutcome } from '../src/services/rounds/round-solve.service';
import type { Metrics } from '../src/shared/metrics';

const secondsBetween = (from: number | undefined, to: number | undefined): number => Math.max(0, ((to ?? Date.now()) - (from ?? Date.now())) / 1000);

/** The queues of the outbound webhooks and the notices (issue #19), beside the planning ones. */
export type MeasuredQueue = QueueName | typeof WEBHOOK_QUEUE | typeof NOTICE_QUEUE;
/** A job name as a label: the known ones, else 'unknown' (a label never takes an arbitrary value). */
const jobLabel = (name: string): string => (isJobName(name) || name === WEBHOOK_JOB || name === NOTICE_JOB ? name : 'unknown');

export function recordJobMetrics(worker: Worker, queue: MeasuredQueue, metrics: Metrics): void {
  const labels = (job: Job, outcome: 'completed' | 'failed') => ({ queue, job: jobLabel(job.name), outcome });
  worker.on('completed', (job: Job) => {
    metrics.jobDuration.observe(labels(job, 'completed'), secondsBetween(job.processedOn, job.finishedOn));
    const result = job.returnvalue as unknown;
    // What came of a webhook attempt or a notice send is the job's result (webhook-delivery.service, notice-delivery.service).
    if (typeof result === 'string' && queue === WEBHOOK_QUEUE) metrics.webhookAttempts.inc({ outcome: result });
    if (typeof result === 'string' && queue === NOTICE_QUEUE) metrics.noticeSends.inc({ outcome: result });
    if (queue === QUEUE.solve) {
      const solved = result as Partial<Extract<SolveOutcome, { status: 'solved' }>> | null;
      if (solved?.status === 'solved' && typeof solved.solveSeconds === 'number') {
        metrics.solveDuration.observe(solved.solveSeconds);
        if (typeof solved.iterations === 'number') metrics.solveIterations.observe(solved.iterations);
      }
    }
    if (queue === QUEUE.rounds && (result as { outcome?: unknown } | null)?.outcome === 'stored') {
      metrics.roundPlanningDuration.observe(secondsBetween(job.timestamp, job.finishedOn));
    }
  });
  worker.on('failed', (job: Job | undefined) => {
    if (job) metrics.jobDuration.observe(labels(job, 'failed'), secondsBetween(job.processedOn, job.finishedOn));
  });
}

/** The merge's report of a stored proposal, into the round metrics. */
export function roundStoredRecorder(metrics: Metrics): NonNullable<MergeOptions['onStored']> {
  return (plan) => {
    metrics.roundSubproblems.observe(plan.subproblems);
    for (const u of plan.unserved) metrics.roundUnservedNeeds.inc({ reason: u.reason });
    metrics.roundPlanCost.observe(plan.cost);
  };
}

/** Throws unless every worker can take jobs: running, not paused or closing, its connection answering. */
export async function workersHeartbeat(workers: readonly Worker[]): Promise<void> {
  const stopped = workers.filter((w) => !w.isRunning() || w.isPaused() || w.closing !== undefined).map((w) => w.name);
  if (workers.length === 0 || stopped.length) throw new Error(`workers not taking jobs: ${stopped.join(', ') || 'none started'}`);
  const offline: string[] = [];
  for (const w of workers) if ((await w.getBackend().client).status !== 'ready') offline.push(w.name);
  if (offline.length) throw new Error(`workers without a Redis connection: ${offline.join(', ')}`);
}
