/**
 * Idempotency keys expire: a key older than IDEMPOTENCY_TTL_HOURS is deleted with its stored
 * response, so the table does not grow forever and a key may be used again after that (a retry
 * that late is a new request). Driven by the injected clock; safe in several processes at once
 * (a batch deleted by one is simply not there for the other).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { deleteKeysBefore } from '../store/idempotency.repository';
import type { CoreTables } from '../store/schema';

export interface RetentionDeps {
  db: Kysely<CoreTables>;
  clock: Clock;
  /** Keys older than this are deleted (config IDEMPOTENCY_TTL_HOURS, default 48). */
  ttlHours: number;
  /** Keys deleted per statement. Default 1,000. */
  batchSize?: number;
}

/** Deletes every key past its retention, batch by batch; returns how many were deleted. */
export async function purgeIdempotencyKeys(deps: RetentionDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - deps.ttlHours * 3_600_000);
  const batch = deps.batchSize ?? 1000;
  let total = 0;
  for (;;) {
    const n = await deleteKeysBefore(deps.db, before, batch);
    total += n;
    if (n < batch) return total;
  }
}

export interface RetentionLoopDeps extends RetentionDeps {
  logger: Logger;
  /** Time between purges. Default one hour. */
  intervalMs?: number;
}

/** Purges at once, then every `intervalMs`; returns a function that stops it. */
export function startIdempotencyCleanup(deps: RetentionLoopDeps): () => void {
  let running = false;
  const tick = (): void => {
    if (running) return; // a slow purge is not stacked
    running = true;
    purgeIdempotencyKeys(deps)
      .then((n) => { if (n > 0) deps.logger.info({ deleted: n, ttlHours: deps.ttlHours }, 'expired idempotency keys deleted'); })
      .catch((err: unknown) => deps.logger.error({ err }, 'idempotency key cleanup failed'))
      .finally(() => { running = false; });
  };
  const timer = setInterval(tick, deps.intervalMs ?? 3_600_000);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
