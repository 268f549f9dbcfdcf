/**
 * Every queue and job payload, shared by the API (producers) and the workers (processors).
 * Payloads carry ids only: job data sits in clear text in Redis, so no medical detail goes here.
 */
import { z } from 'zod';
import { ROUND_KINDS, type RoundKind } from '../domain/kinds';

export const QUEUE = {
  /** Round parents: the merge step of a planning flow (runs after every sub-problem). */
  rounds: 'rounds',
  /** CPU-bound sub-problem solves, the children of a round flow. */
  solve: 'solve',
  /** Needs accepted by intake, relayed from the outbox. */
  needs: 'needs',
  /** Urgent insertion of an emergency need into a live plan. */
  urgent: 'urgent',
  /** Reconciler and scheduled rounds. */
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** An entity id as it travels in a job: a uuid or a numeric id rendered as a string. */
export const entityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id of 1-64 letters, digits, _ or -');

/**
 * The X-Request-Id of the request that caused the job (intake, a dispatcher starting a round), so its
 * log lines join the request's: one grep of the id follows a need from intake to the queue.
 * Absent for work no request started (schedules, the reconciler).
 */
export const requestId = z.string().min(1).max(200).optional();

export const roundKind = z.enum(ROUND_KINDS);
export type { RoundKind };

export const JOBS = {
  /** A round started through the API: claim its needs, cut them into sub-problems, then queue its flow. */
  'round.prepare': { queue: QUEUE.rounds, schema: z.strictObject({ roundId: entityId, requestId }) },
  /** Parent of a round flow: merges the sub-problem plans and stores the proposal once. */
  'round.merge': { queue: QUEUE.rounds, schema: z.strictObject({ roundId: entityId, requestId }) },
  /** One sub-problem of a round (a community or a cluster of stops). */
  'round.solve': { queue: QUEUE.solve, schema: z.strictObject({ roundId: entityId, subProblemId: entityId, requestId }) },
  /** A need committed by intake (published by the outbox relay). */
  'need.accepted': { queue: QUEUE.needs, schema: z.strictObject({ needId: entityId, requestId }) },
  /** Insert an emergency need into its area's running round. */
  'need.urgent': { queue: QUEUE.urgent, schema: z.strictObject({ needId: entityId, requestId }) },
  /** Re-queue whatever the database says is owed but Redis may have lost. */
  'maintenance.reconcile': { queue: QUEUE.maintenance, schema: z.strictObject({ trigger: z.enum(['startup', 'repeat', 'manual']) }) },
  /** Open the next round of an area (repeatable, one scheduler per area and kind). */
  'maintenance.open-round': { queue: QUEUE.maintenance, schema: z.strictObject({ areaId: entityId, kind: roundKind }) },
} as const;

export type JobName = keyof typeof JOBS;
export type JobData<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;

/** Names of the jobs that run on one queue. */
export type JobsOf<Q extends QueueName> = { [N in JobName]: (typeof JOBS)[N]['queue'] extends Q ? N : never }[JobName];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/**
 * Parses a job by name; returns the typed payload or the list of bad fields (never their values).
 */
export function parseJob<N extends JobName>(name: N, data: unknown): { ok: true; data: JobData<N> } | { ok: false; problem: string } {
  const parsed = JOBS[name].schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data as JobData<N> };
  return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/**
 * Deterministic job id: the same logical work always gets the same id, so a second `add`
 * while the first job exists is a no-op. BullMQ refuses ids containing ':' and ids made only of digits
 * (they clash with its own counters), hence the name prefix and the '-' separator.
 */
export function jobId(name: JobName, ...parts: string[]): string {
  for (const p of parts) {
    if (!/^[A-Za-z0-9_-]+$/.test(p)) throw new Error(`job id part must be [A-Za-z0-9_-]+, got ${JSON.stringify(p)}`);
  }
  return [name.replace('.', '-'), ...parts].join('-');
}
