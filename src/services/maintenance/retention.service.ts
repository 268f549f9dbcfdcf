/**
 * Retention of short-lived records, so their tables do not grow forever. Driven by the injected
 * clock; safe in several processes at once (a batch deleted by one is simply not there for the other).
 *
 * - Idempotency keys: a key older than IDEMPOTENCY_TTL_HOURS is deleted with its stored response,
 *   and may be used again after that (a retry that late is a new request).
 * - Sessions that ended (expired or revoked) more than a day ago: their tokens are refused anyway,
 *   and who logged in and out stays in the audit log.
 */
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { deleteKeysBefore } from '../../store/idempotency.repository';
import { deleteSessionsEndedBefore } from '../../store/session.repository';
import type { Db } from '../../store/db';

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  /** Keys older than this are deleted (config IDEMPOTENCY_TTL_HOURS, default 48). */
  ttlHours: number;
  /** Keys deleted per statement. Default 1,000. */
  batchSize?: number;
}

/** Runs `deleteBatch` until a batch comes back short (nothing older is left); returns how many were deleted. */
async function inBatches(batch: number, deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteBatch(batch);
    total += n;
    if (n < batch) return total;
  }
}

/** Deletes every key past its retention, batch by batch; returns how many were deleted. */
export function purgeIdempotencyKeys(deps: RetentionDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - deps.ttlHours * 3_600_000);
  return inBatches(deps.batchSize ?? 1000, (limit) => deleteKeysBefore(deps.db, before, limit));
}

/** Ended sessions are kept this long after they end. */
const SESSION_GRACE_MS = 24 * 3_600_000;

/** Deletes sessions that expired or were revoked over a day ago; returns how many. */
export function purgeEndedSessions(deps: Pick<RetentionDeps, 'db' | 'clock' | 'batchSize'>): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - SESSION_GRACE_MS);
  return inBatches(deps.batchSize ?? 1000, (limit) => deleteSessionsEndedBefore(deps.db, before, limit));
}

export interface RetentionLoopDeps extends RetentionDeps {
  logger: Logger;
  /** Time between purges. Default one hour. */
  intervalMs?: number;
}

/** Purges at once, then every `intervalMs`; returns a function that stops it. */
export function startRetentionCleanup(deps: RetentionLoopDeps): () => void {
  let running = false;
  const tick = (): void => {
    if (running) return; // a slow purge is not stacked
    running = true;
    Promise.all([purgeIdempotencyKeys(deps), purgeEndedSessions(deps)])
      .then(([keys, sessions]) => { if (keys + sessions > 0) deps.logger.info({ keys, sessions, ttlHours: deps.ttlHours }, 'expired idempotency keys and ended sessions deleted'); })
      .catch((err: unknown) => deps.logger.error({ err }, 'retention cleanup failed'))
      .finally(() => { running = false; });
  };
  const timer = setInterval(tick, deps.intervalMs ?? 3_600_000);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
