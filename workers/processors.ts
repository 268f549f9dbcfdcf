/**
 * In-process processors: each parses its payload against the shared contract and calls a service,
 * as a route does. A payload that breaks its contract can never succeed: it fails at once, without
 * retries (UnrecoverableError); any other error is retried with backoff.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { JOBS, isJobName, parseJob, type JobData, type JobName, type QueueName } from '../src/contracts/jobs';
import type { Producers } from '../src/queue/producers';
import { isAppError } from '../src/shared/errors';
import type { Logger } from '../src/shared/logger';
import type { Db } from '../src/store/db';
import type { DriverLimits } from '../src/domain/shifts';
import { reconcile } from '../src/services/rounds/reconcile.service';
import { mergeRound, prepareAndQueue, type MergeOptions } from '../src/services/rounds/round.service';
import { openScheduledRound, type RoundSchedule } from '../src/services/rounds/round-schedule.service';
import { insertUrgentNeed, type UrgentOutcome } from '../src/services/rounds/urgent.service';
import type { RoundEvents } from '../src/services/rounds/round-events.service';
import { MissingRecordError, solveSubproblem } from '../src/services/rounds/round-solve.service';
import { jobLogFields } from './job-log';
import { stepTimer } from '../src/shared/steps';
import type { ThreadSolve } from './solve-thread';
import type { RoundAllocator } from '../src/services/rounds/round-allocation.service';

export interface ProcessorDeps {
  db: Db;
  producers: Producers;
  logger: Logger;
  defaultTimeLimitMs: number;
  schedule?: RoundSchedule;
  /** Food entitlement cycle length in days (FOOD_CYCLE_DAYS), for scheduled food rounds. */
  foodCycleDays: number;
  /** Driver limits (DRIVER_* settings) of the rounds the reconciler prepares and the schedules open. */
  driverLimits: DriverLimits;
  events: RoundEvents;
  /** An urgent need into its live round with its live events (runtime.ts). Unset: placed, nothing announced. */
  insertUrgent?: (needId: string) => Promise<UrgentOutcome>;
  /**
   * Set with PGlite only (one connection, owned by this process): `round.solve` runs here, loading
   * and storing on this event loop, and hands the search to this function (a worker thread, see
   * solve-thread.ts). Unset (PostgreSQL): solves run in the sandboxed processor.
   */
  inlineSolve?: ThreadSolve;
  /** Routes of each sub-problem's pool kept for the merge (SOLVE_POOL_ROUTES), when solved in process. Default 0. */
  keepPool?: number;
  /** Set partitioning at the merge (MERGE_SET_PARTITIONING, MERGE_SP_TIME_LIMIT_MS). Off when not given. */
  setPartitioning?: MergeOptions['setPartitioning'];
  /** Told of each proposal stored by a merge (the round metrics). */
  onRoundStored?: MergeOptions['onStored'];
  /** Runs a round's merge off this event loop (the round thread, solve-thread.ts). Unset: in process. */
  merge?: MergeOptions['merge'];
  /** Runs a round's stock allocation off this event loop (the round thread), as `merge`. Unset: in process. */
  allocate?: RoundAllocator;
}

/** Parses a job of `queue`, or throws the unrecoverable error that fails it for good. */
export function parsePayload<N extends JobName>(queue: QueueName, job: Pick<Job, 'name' | 'data'>): { name: N; data: JobData<N> } {
  if (!isJobName(job.name) || JOBS[job.name].queue !== queue) throw new UnrecoverableError(`unknown job "${job.name}" on queue ${queue}`);
  const parsed = parseJob(job.name, job.data);
  if (!parsed.ok) throw new UnrecoverableError(`bad ${job.name} payload: ${parsed.problem}`);
  return { name: job.name as N, data: parsed.data as JobData<N> };
}

/**
 * When a job was due, the same for every attempt: a job scheduler's job id ends with the slot it
 * fired for (`repeat:<scheduler>:<ms>`, BullMQ 6); any other job was due when it was added. Never
 * the clock at processing time, so a retry after a boundary (a food cycle) names the same one.
 */
export function dueAt(job: Pick<Job, 'id' | 'timestamp' | 'repeatJobKey'>): Date {
  const slot = job.repeatJobKey ? /:(\d+)$/.exec(job.id ?? '')?.[1] : undefined;
  return new Date(slot ? Number(slot) : job.timestamp);
}

export function inProcessProcessor(queue: QueueName, deps: ProcessorDeps): (job: Job) => Promise<unknown> {
  const run = handler(queue, deps);
  return async (job) => {
    try {
      return await run(job);
    } catch (err) {
      // A record the job names does not exist (another database, or deleted): retrying cannot help.
      if ((isAppError(err) && err.code === 'not_found') || err instanceof MissingRecordError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}

function handler(queue: QueueName, deps: ProcessorDeps): (job: Job) => Promise<unknown> {
  return async (job) => {
    const { name, data } = parsePayload(queue, job);
    // Queue, job, the payload's ids (round, need) and the request that caused it, on every line.
    const log = deps.logger.child(jobLogFields(queue, job));
    switch (name) {
      case 'round.merge': {
        const { roundId } = data as JobData<'round.merge'>;
        await job.updateProgress(0);
        const outcome = await mergeRound(deps.db, roundId, undefined, log, {
          ...(deps.setPartitioning ? { setPartitioning: deps.setPartitioning } : {}),
          ...(deps.onRoundStored ? { onStored: deps.onRoundStored } : {}),
          ...(deps.merge ? { merge: deps.merge } : {}),
        });
        await job.updateProgress(100);
        if (outcome === 'stored') await deps.events.proposed(roundId);
        log.info({ outcome }, 'round merged');
        return { outcome };
      }
      case 'round.prepare': {
        const { roundId, requestId } = data as JobData<'round.prepare'>;
        const steps = stepTimer();
        const round = await prepareAndQueue({ db: deps.db, producers: deps.producers, driverLimits: deps.driverLimits }, roundId, requestId, { steps, ...(deps.allocate ? { allocate: deps.allocate } : {}) });
        // Still a draft: another preparation holds it (the reconciler's), which queues the flow itself.
        // Where a district's preparation spends its time: each step's milliseconds.
        log.info({ status: round.status, ms: steps.ms }, 'round prepared');
        return { status: round.status };
      }
      case 'need.accepted':
        // Routine needs wait for their area's next round (scheduled or started by a dispatcher):
        // the job records that the event went through; the reconciler owns anything left behind.
        return { needId: (data as JobData<'need.accepted'>).needId, waitsFor: 'next-round' };
      case 'need.urgent': {
        const { needId } = data as JobData<'need.urgent'>;
        const outcome = await (deps.insertUrgent ?? ((id: string) => insertUrgentNeed(deps.db, id)))(needId);
        // Where it went (round and trip: the driver's batch), or why not: ids and rule names only.
        const { status, ...where } = outcome;
        log.info({ outcome: status, ...where }, 'urgent insertion');
        return outcome;
      }
      case 'maintenance.reconcile':
        return reconcile(deps);
      case 'maintenance.open-round': {
        const { areaId, kind } = data as JobData<'maintenance.open-round'>;
        // Its round is prepared by a `round.prepare` job, as one a dispatcher starts: on the round
        // thread, not this event loop, however big the district (issue #21).
        const outcome = await openScheduledRound({ ...deps, prepareIn: deps.producers }, areaId, kind, { at: dueAt(job), requestId: job.id ?? null });
        log.info({ kind, ...outcome }, 'scheduled round');
        return outcome;
      }
      case 'round.solve': {
        if (deps.inlineSolve === undefined) throw new UnrecoverableError('round.solve runs in the sandboxed processor, not in-process');
        const { roundId, subProblemId } = data as JobData<'round.solve'>;
        // No cap below the round's own budget (at most 10 min through the API, SOLVE_TIME_LIMIT_MS
        // for scheduled rounds): the search runs on the thread, so this event loop keeps renewing the
        // job lock and serving the API however long it takes. What still bounds a solve: that budget,
        // the thread's watchdog (terminated and retried when it overruns by far), and one solve at a
        // time (solve queue concurrency 1), so the API keeps the other cores.
        const solveDeps = { db: deps.db, now: () => performance.now(), solve: deps.inlineSolve, keepPool: deps.keepPool ?? 0 };
        return solveSubproblem(solveDeps, roundId, subProblemId, (pct) => job.updateProgress(pct));
      }
      default: {
        const never: never = name;
        throw new UnrecoverableError(`unhandled job ${String(never)}`);
      }
    }
  };
}
