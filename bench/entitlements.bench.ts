/**
 * Food entitlement generation on PostgreSQL: one community of N households (default 20,000), the
 * set-based INSERT ... SELECT that creates a cycle's packages (needs, history, audit rows), timed
 * with earlier cycles already in the table; then the same cycle again (must create nothing) and the
 * next cycle. Finally the need status relay (its loop, as the API runs it) drains the live events
 * the first cycle queued (one per need), to show what a bulk generation costs the live path: a
 * resident's change committed once the drain is under way is timed to its fan-out, with the number
 * of entitlement changes that went out before it (issue #21).
 *
 *   npm run bench -- entitlements [--households 20000] [--history 3] [--relay 1] [--lanes 1] [--bulk-batch 200]
 *
 * --relay 0 skips the relay drain (e.g. with --households 200000). --lanes 0 puts the entitlement
 * changes in the interactive lane before the drain: one lane, oldest first, as before the bulk lane.
 * --bulk-batch: the relay's bulk batch (NeedStatusRelayOptions.bulkBatch).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { createLivePublisher } from '../src/services/live-status/live.service';
import { createLiveStream } from '../src/services/live-status/live-stream';
import { generateFoodEntitlements } from '../src/services/needs/food-entitlement.service';
import { startNeedStatusRelay, type NeedStatusRelayDeps } from '../src/services/needs/need-status-relay.service';
import { insertAcceptedNeeds } from '../src/store/need.repository';
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

/** A resident's own need (one household's gas cylinder): an interactive change. */
async function residentNeed(db: Db): Promise<string> {
  const h = (await sql<{ id: string; corridor_id: string; community_id: string }>`select id, corridor_id, community_id from households order by id limit 1`.execute(db)).rows[0]!;
  const id = randomUUID();
  await insertAcceptedNeeds(db, [{
    id, householdId: h.id, corridorId: h.corridor_id, communityId: h.community_id, kind: 'gas', identityKey: id, details: { cylinders: 1 },
    urgency: 'routine', priority: 1, cycle: null, createdBy: 'bench', at: new Date(), topics: [], audit: null,
  }]);
  return id;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drains the pending changes with the relay's loop; once its first batch is out, a resident's change
 * commits. Returns the drain time, the resident's commit-to-fan-out time and the changes out before it.
 */
async function drainWithResident(relay: NeedStatusRelayDeps, db: Db, expected: number, bulkBatch: number): Promise<{ relayMs: number; residentMs: number; before: number; relayed: number }> {
  const out = new Set<string>();
  let resident: { id: string; at: number; ms?: number; before?: number } | undefined;
  const publisher: NeedStatusRelayDeps['publisher'] = {
    storeMany: (trx, events) => relay.publisher.storeMany(trx, events),
    release: async (staged) => {
      const envelopes = await relay.publisher.release(staged);
      for (const e of envelopes) {
        if (e.event.type !== 'need.status_changed') continue;
        if (resident && e.event.needId === resident.id && resident.ms === undefined) {
          resident.ms = performance.now() - resident.at;
          resident.before = out.size;
        }
        out.add(e.event.needId);
      }
      return envelopes;
    },
  };
  const t0 = performance.now();
  const stop = startNeedStatusRelay({ ...relay, publisher }, { idlePollMs: 100, bulkBatch });
  try {
    while (out.size === 0) await pause(1);
    const at = performance.now();
    resident = { id: await residentNeed(db), at };
    while (out.size < expected + 1) await pause(5);
    return { relayMs: Math.round(performance.now() - t0), residentMs: Math.round(resident.ms ?? -1), before: resident.before ?? -1, relayed: out.size - 1 };
  } finally {
    await stop();
  }
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
  const lanes = numberOption(args, 'lanes', 1) !== 0;
  const bulkBatch = numberOption(args, 'bulk-batch', 200);
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

    // Drain the live events of that one cycle through the real relay (Redis stream fan-out).
    const logger = createLogger({ level: 'silent' });
    const publisher = createLivePublisher({ db: database.db as unknown as Db, stream: createLiveStream(redis, { streamName }), clock: systemClock, logger });
    if (!lanes) await sql`update need_status_live set bulk = false`.execute(database.db);
    const drained = drain ? await drainWithResident({ db: database.db, publisher, logger }, database.db, live, bulkBatch) : { relayMs: -1, residentMs: -1, before: -1, relayed: 0 };

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
      live_events_relayed: drained.relayed,
      live_relay_ms: drained.relayMs,
      lanes: lanes ? 1 : 0,
      bulk_batch: bulkBatch,
      resident_change_to_fanout_ms: drained.residentMs,
      entitlement_changes_out_before_it: drained.before,
      load_avg_1m: Math.round(loadavg()[0]! * 10) / 10,
    };
    console.table(metrics);
    if (first.created !== households || again.created !== 0 || next.created !== households || live !== households || (drain && drained.relayed !== households)) {
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
