/**
 * Settings of the worker processes, read from the environment once at start-up (next to the
 * service-wide Config). A bad value stops the process naming the variable.
 */
import { z } from 'zod';
import type { Config } from '../config/config';
import { QUEUE, type QueueName } from '../src/contracts/jobs';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const queueNames = Object.values(QUEUE) as [QueueName, ...QueueName[]];

export const workerSettingsSchema = z.object({
  /** Key prefix of every queue. Default `cordon`; tests give each file its own. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('cordon'),
  /** Queues this process serves, comma separated. Default: all of them. */
  WORKER_QUEUES: z
    .string()
    .transform((s) => s.split(',').map((q) => q.trim()).filter(Boolean))
    .pipe(z.array(z.enum(queueNames)).min(1))
    .optional(),
  /** Sub-problems solved at once by this process (one sandboxed child each). Default 1: one per core and process. */
  WORKER_SOLVE_CONCURRENCY: int(1, 64).default(1),
  /** Ms a job lock lives without renewal; a dead worker's job is retaken after it. Default 30000. */
  WORKER_LOCK_DURATION_MS: int(500, 600_000).default(30_000),
  /** Ms between stalled-job checks. Default 30000; tests use ~1000. */
  WORKER_STALLED_INTERVAL_MS: int(200, 600_000).default(30_000),
  /**
   * Seconds an idle worker blocks waiting for a job before polling again. Default 0.25: a flow adds its
   * children at once but wakes one idle worker only, so the others find theirs on their next poll.
   */
  WORKER_DRAIN_DELAY_S: z.coerce.number().min(0.05).max(60).default(0.25),
  /** Times a job may stall (its worker died) before it fails. Default 3. */
  WORKER_MAX_STALLED: int(0, 100).default(3),
  /** Run even when Redis' maxmemory-policy is not `noeviction` (jobs may then vanish). Default off. */
  WORKER_ALLOW_EVICTION: bool.default(false),
  /** Ms between reconciler runs in each process (0: only at start-up and on reconnect). Default 60000. */
  RECONCILE_EVERY_MS: int(0, 86_400_000).default(60_000),
  /** Hours between scheduled food rounds per community (0: none, rounds are started by dispatchers). Default 0. */
  ROUND_EVERY_FOOD_H: z.coerce.number().min(0).max(24 * 30).default(0),
  /** Hours between scheduled medicine rounds per community (0: none). Default 0. */
  ROUND_EVERY_MEDICINE_H: z.coerce.number().min(0).max(24 * 30).default(0),
  /** Publish live events (round progress and proposals, urgent insertions) to the Socket.IO stream. Default on. */
  LIVE_EVENTS: bool.default(true),
  /** Redis stream the Socket.IO servers read (their adapter's streamName). Default socket.io. */
  LIVE_STREAM_NAME: z.string().min(1).default('socket.io'),
  /** Longest wait in ms between outbox polls when idle. Only the fallback: intake's NOTIFY wakes the relay at commit. Default 2000. */
  OUTBOX_POLL_MS: int(10, 60_000).default(2000),
  /** Solve time budget per sub-problem in ms, unless the round sets one. Default 10000. */
  SOLVE_TIME_LIMIT_MS: int(50, 3_600_000).default(10_000),
});

export type WorkerSettings = Readonly<z.infer<typeof workerSettingsSchema> & { WORKER_QUEUES: QueueName[] }>;

export function loadWorkerSettings(env: Record<string, string | undefined>): WorkerSettings {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(workerSettingsSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = workerSettingsSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid worker configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze({ ...parsed.data, WORKER_QUEUES: parsed.data.WORKER_QUEUES ?? queueNames });
}

/**
 * Checks the settings that only make sense next to the service Config; throws like
 * loadWorkerSettings. Each scheduled food round creates the current food cycle's entitlements, so
 * rounds further apart than a cycle (24 x FOOD_CYCLE_DAYS hours) would skip whole cycles: their food
 * would never be owed.
 */
export function checkWorkerSettings(settings: WorkerSettings, config: Pick<Config, 'FOOD_CYCLE_DAYS'>): void {
  const cycleH = 24 * config.FOOD_CYCLE_DAYS;
  if (settings.ROUND_EVERY_FOOD_H > cycleH) {
    throw new Error(
      `invalid worker configuration:\n  ROUND_EVERY_FOOD_H: ${settings.ROUND_EVERY_FOOD_H} h between food rounds is longer than a food cycle ` +
        `(FOOD_CYCLE_DAYS=${config.FOOD_CYCLE_DAYS}, ${cycleH} h), so some cycles would never be generated; set ROUND_EVERY_FOOD_H to at most 24 x FOOD_CYCLE_DAYS (${cycleH})`,
    );
  }
}
