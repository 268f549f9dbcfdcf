/**
 * Food entitlement generation on PostgreSQL: one community of N households (default 20,000), the
 * set-based INSERT ... SELECT that creates a cycle's packages (needs, history, audit rows), timed
 * with earlier cycles already in the table; then the same cycle again (must create nothing) and the
 * next cycle. Finally the need status relay drains the live events the first cycle queued (one per
 * need), to show what a bulk generation costs the live path.
 *
 *   npm run bench -- entitlements [--households 20000] [--history 3] [--relay 1]
 *
 * --relay 0 skips the relay drain (e.g. with --households 200000).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createLivePublisher } from '../src/services/live-status/live.service';
import { createLiveStream } from '../src/services/live-status/live-stream';
import { generateFoodEntitlements } from '../src/services/needs/food-entitlement.service';
import { relayNeedStatusOnce } from '../src/services/needs/need-status-relay.service';
import { createProducerRedis } from '../src/queue/redis';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { dropSchema, type Database } from '../src/store/db';
import { openTestDatabase } from '../tests/integration/round.fixtures';
import { seedGrid } from './grid.seed';
import { numberOption } from './options';
import type { Db } from '../src/store/db';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CYCLE_DAYS = 3;
const DAY = 24 * 3600_000;

async function seed(database: Database, households: number): Promise<string> {
  const { community } = await seedGrid(database, { households, corridors: 100 });
  await sql`analyze`.execute(database.db);
  return community;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, Math.round(performance.now() - t0)];
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const households = numberOption(args, 'households', 20_000);
  const history = numberOption(args, 'history', 3);
  const drain = numberOption(args, 'relay', 1) !== 0;
  const database = await openTestDatabase('bench_entitlements');
  const redis = createProducerRedis(REDIS_URL);
  const streamName = `bench-entitlements-${randomUUID()}`;
  try {
    const community = await seed(database, households);
    const deps = { db: database.db, foodCycleDays: CYCLE_DAYS };
    const start = new Date('2026-11-23T06:00:00Z').getTime();
    // Earlier cycles, so the "already holds one this cycle" check runs against a table with history.
    for (let c = history; c >= 1; c--) await generateFoodEntitlements(deps, community, { at: new Date(start - c * CYCLE_DAYS * DAY) });
    await sql`delete from need_status_live`.execute(database.db);
    await sql`analyze`.execute(database.db);

    const [first, firstMs] = await timed(() => generateFoodEntitlements(deps, community, { at: new Date(start) }));
    const [again, againMs] = await timed(() => generateFoodEntitlements(deps, community, { at: new Date(start + 3600_000) }));
    const live = Number((await sql<{ n: string }>`select count(*)::text as n from need_status_live`.execute(database.db)).rows[0]!.n);

    // Drain the live events of that one cycle through the real relay (Redis stream fan-out), 500 at a time.
    const logger = createLogger({ level: 'silent' });
    const publisher = createLivePublisher({ db: database.db as unknown as Db, stream: createLiveStream(redis, { streamName }), clock: systemClock, logger });
    const [relayed, relayMs] = await timed(async () => {
      let total = 0;
      for (let n = drain ? -1 : 0; n !== 0;) total += n = await relayNeedStatusOnce({ db: database.db, publisher, logger });
      return total;
    });

    const [next, nextMs] = await timed(() => generateFoodEntitlements(deps, community, { at: new Date(start + CYCLE_DAYS * DAY) }));
    const needs = Number((await sql<{ n: string }>`select count(*)::text as n from needs`.execute(database.db)).rows[0]!.n);

    const metrics = {
      households,
      earlier_cycles: history,
      needs_in_table: needs,
      first_run_created: first.created,
      first_run_ms: firstMs,
      rerun_created: again.created,
      rerun_ms: againMs,
      next_cycle_created: next.created,
      next_cycle_ms: nextMs,
      live_events_queued: live,
      live_events_relayed: relayed,
      live_relay_ms: drain ? relayMs : -1,
    };
    console.table(metrics);
    if (first.created !== households || again.created !== 0 || next.created !== households || live !== households || (drain && relayed !== households)) {
      throw new Error(`unexpected counts: ${JSON.stringify(metrics)}`);
    }
    return metrics;
  } finally {
    await redis.del(streamName).catch(() => undefined);
    redis.disconnect();
    await dropSchema(database);
    await database.close();
  }
}
