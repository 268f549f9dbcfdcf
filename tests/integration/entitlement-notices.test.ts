/**
 * A cycle's food entitlements are nobody's request (issue #21): their acceptance goes out live, to
 * the household and its corridor's unit chief, as every status change does, but captures no
 * `need accepted` notice ("your request is accepted"), which at full scale was 137,000 texts a cycle
 * and as many captured events to expand in the cycle's first minute. A need a resident asked for,
 * a food package included, is still told. Real PostgreSQL schema, the relay as it runs in service.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope } from '../../src/contracts/events';
import { foodCycleAt } from '../../src/domain/food-cycle';
import { SCHEDULER_ACTOR } from '../../src/domain/access';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { relayNeedStatusOnce } from '../../src/services/needs/need-status-relay.service';
import type { Db } from '../../src/store/db';
import { insertAcceptedNeeds } from '../../src/store/need.repository';
import { liveFixture, logger, type LiveFixture } from './live-harness';

let f: LiveFixture;
let db: Db;

beforeAll(async () => {
  f = await liveFixture('entnotice');
  db = f.database.db as unknown as Db;
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe('entitlement notices', () => {
  it("publishes a cycle's entitlements live but captures no notice for them; a resident's own needs are still captured", async () => {
    const at = new Date('2026-11-23T06:00:00Z');
    const cycle = foodCycleAt(at, 3).id;
    // The first household asked for this cycle's package itself, before the scheduler's run: it is that need.
    const own = randomUUID();
    await insertAcceptedNeeds(db, [{
      id: own, householdId: f.grid.households[0], corridorId: f.grid.corridors[0], communityId: f.grid.community,
      kind: 'food_package', identityKey: cycle, details: { cycle }, urgency: 'routine', priority: 2, cycle, createdBy: 'resident-1', at, topics: [], audit: null,
    }]);
    const { created } = await generateFoodEntitlements({ db, foodCycleDays: 3 }, f.grid.community, { at });
    expect(created).toBe(f.grid.households.length - 1);
    const entitled = (await sql<{ id: string }>`select id from needs where created_by = ${SCHEDULER_ACTOR}`.execute(db)).rows.map((r) => r.id);
    expect(entitled).toHaveLength(created);

    const relay = { db, publisher: f.publisher(), logger };
    while ((await relayNeedStatusOnce(relay)) > 0);

    const captured = (await sql<{ need_id: string }>`select data->>'needId' as need_id from notice_events where event_type = 'need.status_changed'`.execute(db)).rows.map((r) => r.need_id);
    expect(captured).toEqual([own]);
    // Live, every entitlement's acceptance reached its household's scope.
    const live = (await sql<{ need_id: string }>`select payload->>'needId' as need_id from live_events
      where type = 'need.status_changed' and payload->>'status' = 'accepted' and scope = any(${f.grid.households.map((h) => scope.household(h))}::text[])`.execute(db)).rows.map((r) => r.need_id);
    expect(new Set(live)).toEqual(new Set([own, ...entitled]));
  });
});
