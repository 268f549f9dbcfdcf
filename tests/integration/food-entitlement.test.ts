/**
 * Food entitlements on real PostgreSQL: each household of a community gets its cycle's food
 * package once (one, whatever its size; accepted, with history and audit, one live event each), never a
 * second time that cycle whatever became of the first, again the next cycle; the scheduled food
 * round creates them and takes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { foodCycleAt } from '../../src/domain/food-cycle';
import { priorityOf } from '../../src/domain/need-intake';
import { createProducers } from '../../src/queue/producers';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { SCHEDULER_ACTOR } from '../../src/domain/access';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { silentRoundEvents } from '../../src/services/rounds/round-events.service';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, type Database } from '../../src/store/db';

import { dueAt, inProcessProcessor } from '../../workers/processors';
import { DEFAULT_DRIVER_LIMITS } from '../../src/domain/shifts';
import { REDIS_URL, dropPrefix, uniquePrefix, until } from './queue.fixtures';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

const prefix = uniquePrefix('entitle');
const producers = createProducers({ redisUrl: REDIS_URL, prefix });
let database: Database;
let district: District;
/** Community 0: generation rules; 1: the scheduled job; 2: 7-day cycles (ISO weeks). */
let households: Map<string, { id: string; members: number; elderly_alone: boolean; cannot_cook: boolean; chronic_illness: boolean }[]>;

const MONDAY = new Date('2026-11-23T06:00:00Z');
const DAY = 24 * 3600_000;

async function foodNeeds(communityId: string, cycle: string) {
  return database.db.selectFrom('needs').selectAll().where('community_id', '=', communityId).where('kind', '=', 'food_package').where('cycle', '=', cycle).orderBy('household_id').execute();
}

async function countRows(query: ReturnType<typeof sql<{ n: string }>>): Promise<number> {
  return Number((await query.execute(database.db)).rows[0]!.n);
}

beforeAll(async () => {
  database = await openTestDatabase('food_entitlement');
  // Every seeded household already holds a submitted food_package need of ISO week 2026-W48.
  district = await seedDistrict(database, { communities: 3, corridorsPerCommunity: 2, householdsPerCorridor: 5, vehicles: 2, capacityBags: 200 });
  // Sizes and flags beyond the seed's 1-5 members, so scaling and priority are exercised.
  const [a] = district.communityIds;
  const firstOfA = await database.db.selectFrom('households').select('id').where('community_id', '=', a!).orderBy('id').limit(4).execute();
  const variants = [
    { members: 30, elderly_alone: false, cannot_cook: true, chronic_illness: false },
    { members: 7, elderly_alone: false, cannot_cook: false, chronic_illness: true },
    { members: 1, elderly_alone: true, cannot_cook: true, chronic_illness: true },
    { members: 4, elderly_alone: false, cannot_cook: false, chronic_illness: false },
  ];
  for (const [i, h] of firstOfA.entries()) await database.db.updateTable('households').set(variants[i]!).where('id', '=', h.id).execute();
  const rows = await database.db.selectFrom('households').select(['id', 'community_id', 'members', 'elderly_alone', 'cannot_cook', 'chronic_illness']).orderBy('id').execute();
  households = new Map(district.communityIds.map((c) => [c, rows.filter((r) => r.community_id === c)]));
  await until(() => producers.ready(), 3000);
});

afterAll(async () => {
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('food entitlements', () => {
  it('creates one accepted food package per household of the community, with history, audit and one live event each', async () => {
    const community = district.communityIds[0]!;
    const deps = { db: database.db, foodCycleDays: 3 };
    const liveBefore = await countRows(sql<{ n: string }>`select count(*)::text as n from need_status_live`);
    const outboxBefore = await countRows(sql<{ n: string }>`select count(*)::text as n from outbox`);
    const { cycle, created } = await generateFoodEntitlements(deps, community, { at: MONDAY, requestId: 'job-1' });
    expect(cycle).toEqual(foodCycleAt(MONDAY, 3));
    const expected = households.get(community)!;
    expect(created).toBe(expected.length);
    const needs = await foodNeeds(community, cycle.id);
    expect(needs.map((n) => n.household_id)).toEqual(expected.map((h) => h.id));
    for (const [i, n] of needs.entries()) {
      const h = expected[i]!;
      expect(n).toMatchObject({ status: 'accepted', urgency: 'routine', identity_key: cycle.id, cycle: cycle.id, created_by: SCHEDULER_ACTOR });
      // Issue #14 item 8: no `packages` count (it was foodPackagesFor(members), and stock multiplied the
      // size-picked kit variant by it); size picks the variant and the bags, not a number of packages.
      expect(n.details).toEqual({ cycle: cycle.id });
      expect(n.priority).toBe(priorityOf('food_package', 'routine', { members: h.members, elderlyAlone: h.elderly_alone, cannotCook: h.cannot_cook, chronicIllness: h.chronic_illness }));
    }
    // The cannot-cook single elder comes first.
    expect(Math.max(...needs.map((n) => n.priority))).toBe(15);

    const ids = needs.map((n) => n.id);
    const history = await database.db.selectFrom('need_status_history').select(['need_id', 'from_status', 'to_status', 'actor']).where('need_id', 'in', ids).orderBy('id').execute();
    expect(history).toHaveLength(2 * ids.length);
    for (const id of ids) {
      expect(history.filter((r) => r.need_id === id).map((r) => [r.from_status, r.to_status, r.actor])).toEqual([[null, 'submitted', 'scheduler'], ['submitted', 'accepted', 'scheduler']]);
    }
    const audit = await sql<{ subject_id: string; actor_id: string; action: string; request_id: string }>`
      select subject_id, actor_id, action, request_id from audit_log where subject_id = any(${ids}::text[])`.execute(database.db);
    expect(audit.rows).toHaveLength(ids.length);
    expect(new Set(audit.rows.map((r) => `${r.actor_id}|${r.action}|${r.request_id}`))).toEqual(new Set(['scheduler|need.create|job-1']));
    // One live status event per need (submitted > accepted), and no outbox events to flood the queue with.
    expect(await countRows(sql<{ n: string }>`select count(*)::text as n from need_status_live`)).toBe(liveBefore + ids.length);
    expect(await countRows(sql<{ n: string }>`select count(*)::text as n from outbox`)).toBe(outboxBefore);
    // Another community's households got nothing.
    expect(await foodNeeds(district.communityIds[1]!, cycle.id)).toHaveLength(0);
  });

  it('creates nothing on a re-run in the same cycle, at the same instant or days later, nor for households whose package was delivered, failed or cancelled', async () => {
    const community = district.communityIds[0]!;
    const deps = { db: database.db, foodCycleDays: 3 };
    const cycle = foodCycleAt(MONDAY, 3);
    const before = await foodNeeds(community, cycle.id);
    expect(await generateFoodEntitlements(deps, community, { at: MONDAY })).toMatchObject({ created: 0 });
    expect(await generateFoodEntitlements(deps, community, { at: new Date(cycle.end.getTime() - 1) })).toMatchObject({ cycle, created: 0 });
    // Delivered, failed and cancelled needs leave the unique index of open needs: the rule must still hold.
    const [delivered, cancelled, failed] = before;
    for (const [n, to] of [[delivered!, 'delivered'], [cancelled!, 'cancelled'], [failed!, 'failed']] as const) {
      await database.db.updateTable('needs').set({ status: to }).where('id', '=', n.id).execute();
      await database.db.insertInto('need_status_history').values({ need_id: n.id, from_status: 'accepted', to_status: to, actor: 'test', at: new Date() }).execute();
    }
    expect(await generateFoodEntitlements(deps, community, { at: new Date(MONDAY.getTime() + 3600_000) })).toMatchObject({ created: 0 });
    expect((await foodNeeds(community, cycle.id)).map((n) => n.id)).toEqual(before.map((n) => n.id));
  });

  it('runs twice at once without doubling anything', async () => {
    const community = district.communityIds[0]!;
    const deps = { db: database.db, foodCycleDays: 3 };
    const at = new Date(MONDAY.getTime() + 20 * DAY);
    const runs = await Promise.all(Array.from({ length: 4 }, () => generateFoodEntitlements(deps, community, { at })));
    expect(runs.reduce((sum, r) => sum + r.created, 0)).toBe(households.get(community)!.length);
    expect(await foodNeeds(community, runs[0]!.cycle.id)).toHaveLength(households.get(community)!.length);
  });

  it('creates the next cycle\'s packages for every household, even one whose last package is still open', async () => {
    const community = district.communityIds[0]!;
    const deps = { db: database.db, foodCycleDays: 3 };
    const current = foodCycleAt(MONDAY, 3);
    const next = await generateFoodEntitlements(deps, community, { at: current.end });
    expect(next.cycle.id).not.toBe(current.id);
    expect(next.cycle.start).toEqual(current.end);
    expect(next.created).toBe(households.get(community)!.length);
    expect(await foodNeeds(community, next.cycle.id)).toHaveLength(households.get(community)!.length);
  });

  it('with 7-day cycles, skips the households that submitted this ISO week\'s package themselves', async () => {
    const community = district.communityIds[2]!;
    const deps = { db: database.db, foodCycleDays: 7 };
    const list = households.get(community)!;
    // Each seeded household holds a submitted W48 need; free two of them (one cancelled, one never there).
    const seeded = await foodNeeds(community, '2026-W48');
    expect(seeded).toHaveLength(list.length);
    await database.db.deleteFrom('needs').where('id', '=', seeded[0]!.id).execute();
    const { cycle, created } = await generateFoodEntitlements(deps, community, { at: new Date('2026-11-26T10:00:00Z') });
    expect(cycle.id).toBe('2026-W48');
    expect(created).toBe(1);
    const now = await foodNeeds(community, '2026-W48');
    expect(now).toHaveLength(list.length);
    expect(now.filter((n) => n.created_by === SCHEDULER_ACTOR).map((n) => n.household_id)).toEqual([seeded[0]!.household_id]);
  });
});

describe('scheduled food round', () => {
  it('the open-round job creates the cycle\'s entitlements of its community and opens a round that holds them, once under retries', async () => {
    const community = district.communityIds[1]!;
    const logger = createLogger({ level: 'silent' });
    const deps = { db: database.db, producers, logger, events: silentRoundEvents, defaultTimeLimitMs: 100, foodCycleDays: 3, driverLimits: DEFAULT_DRIVER_LIMITS };
    const run = inProcessProcessor('maintenance', deps);
    // A scheduler's job names its slot in its id (added earlier, when the previous one ran); a retry
    // (same job) days later must still name that slot's cycle.
    const slot = MONDAY.getTime() + 3600_000;
    const scheduler = `open-round-food-${community}`;
    const job = { id: `repeat:${scheduler}:${slot}`, repeatJobKey: scheduler, name: 'maintenance.open-round', data: { areaId: community, kind: 'food' }, opts: {}, timestamp: slot - 72 * 3600_000, updateProgress: async () => undefined };
    expect(dueAt(job)).toEqual(new Date(slot));
    const first = (await run(job as never)) as { roundId: string; created: boolean; cycle: string; entitlements: number };
    const cycle = foodCycleAt(new Date(slot), 3);
    expect(first).toMatchObject({ created: true, cycle: cycle.id, entitlements: households.get(community)!.length });
    const entitled = await foodNeeds(community, cycle.id);
    expect(entitled).toHaveLength(households.get(community)!.length);
    // The round is prepared by its own job, as one a dispatcher starts (on the round thread in the workers).
    const prepare = await producers.queue(QUEUE.rounds).getJob(jobId('round.prepare', first.roundId));
    expect(prepare?.data).toEqual({ roundId: first.roundId });
    await inProcessProcessor('rounds', deps)(prepare!);
    const inRound = await sql<{ need_id: string }>`select need_id::text from round_needs where round_id = ${first.roundId}`.execute(database.db);
    const roundNeeds = new Set(inRound.rows.map((r) => r.need_id));
    for (const n of entitled) expect(roundNeeds.has(n.id)).toBe(true);
    // Also the needs that were already waiting (the seeded W48 submissions).
    expect(roundNeeds.size).toBe(2 * households.get(community)!.length);

    const retry = (await run(job as never)) as typeof first;
    expect(retry).toEqual({ roundId: null, created: false, cycle: cycle.id, entitlements: 0 });
    expect(await foodNeeds(community, cycle.id)).toHaveLength(households.get(community)!.length);
    expect(await database.db.selectFrom('rounds').select('id').where('area_id', '=', community).execute()).toHaveLength(1);
  });

  it('a medicine round creates no food entitlement', async () => {
    const community = district.communityIds[1]!;
    const run = inProcessProcessor('maintenance', {
      db: database.db, producers, logger: createLogger({ level: 'silent' }), events: silentRoundEvents, defaultTimeLimitMs: 100, foodCycleDays: 3, driverLimits: DEFAULT_DRIVER_LIMITS,
    });
    const slot = MONDAY.getTime() + 10 * DAY;
    const job = { id: 'open-medicine', name: 'maintenance.open-round', data: { areaId: community, kind: 'medicine' }, opts: {}, timestamp: slot, updateProgress: async () => undefined };
    expect(dueAt(job)).toEqual(new Date(slot));
    expect(await run(job as never)).toEqual({ roundId: null, created: false });
    expect(await foodNeeds(community, foodCycleAt(new Date(slot), 3).id)).toHaveLength(0);
  });

  it('a real job scheduler\'s job names its slot as dueAt reads it (relies on the id format of BullMQ 6)', async () => {
    const community = district.communityIds[1]!;
    const before = Date.now();
    await producers.schedule(`open-round-food-${community}`, 'maintenance.open-round', { areaId: community, kind: 'food' }, 48 * 3600_000);
    const [job] = await producers.queue('maintenance').getJobs(['delayed', 'wait', 'prioritized']);
    expect(job?.name).toBe('maintenance.open-round');
    expect(job?.repeatJobKey).toBe(`open-round-food-${community}`);
    expect(job?.id).toMatch(new RegExp(`^repeat:open-round-food-${community}:\\d+$`));
    const due = dueAt(job!).getTime();
    expect(due).toBe(Number(job!.id!.split(':').at(-1)));
    expect(due).toBeGreaterThanOrEqual(before - 1000);
    expect(due).toBeLessThanOrEqual(Date.now() + 48 * 3600_000);
  });
});
