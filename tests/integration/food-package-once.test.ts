/**
 * Entitlement sizes, once (issue #14, item 8), end to end on the real PostgreSQL: a household's
 * food package goes through intake and a food round's stock reservation as one kit variant for its
 * size, never that variant times a count derived from the same size (a 5-person household used to
 * get 2 x the 'large' variant: 30 kg of rice). The bags the crew carries still follow from size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Actor } from '../../src/domain/access';
import { ManualClock } from '../../src/shared/clock';
import { dropSchema, type Database } from '../../src/store/db';
import { up as stripPackages } from '../../src/store/migrations/0018_food_package_once';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { ledgerMismatches } from '../../src/store/stock-read.repository';
import { submitNeed } from '../../src/services/needs/intake.service';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { defineItem, defineKit } from '../../src/services/stock/kit.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const deps = () => ({ db: database.db, clock });
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const admin: Actor = { userId: 'admin-1', role: 'admin', corridorIds: [], communityIds: [] };
/** Household size -> its need, submitted through intake. */
const needOf = new Map<number, string>();

beforeAll(async () => {
  database = await openTestDatabase('food_package_once');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 0, vehicles: 1 });
  const corridors = await database.db.selectFrom('areas').select(['id', 'community_id']).where('kind', '=', 'corridor').orderBy('name').execute();
  await defineItem(deps(), { code: 'rice', name: 'Rice (kg)', unit: 'kg', weightKg: 1, volumeL: 1.3 });
  await defineItem(deps(), { code: 'oil', name: 'Oil (litre)', unit: 'litre', weightKg: 0.92, volumeL: 1 });
  // The demo kit's rice and oil: the variant for the household's size is the whole package.
  await defineKit(deps(), 'food_package', { name: 'Food package', variants: [
    { name: 'small', minMembers: 1, maxMembers: 2, lines: [{ code: 'rice', quantity: 5 }, { code: 'oil', quantity: 1 }] },
    { name: 'family', minMembers: 3, maxMembers: 4, lines: [{ code: 'rice', quantity: 10 }, { code: 'oil', quantity: 2 }] },
    { name: 'large', minMembers: 5, maxMembers: 30, lines: [{ code: 'rice', quantity: 15 }, { code: 'oil', quantity: 3 }] },
  ] });
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'rice', quantity: 500 }, 'clerk');
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'oil', quantity: 100 }, 'clerk');
  const intake = { db: database.db, clock, audit: undefined, foodCycleDays: 3 };
  for (const [i, members] of [5, 2].entries()) {
    const corridor = corridors[i]!;
    const h = await database.db.insertInto('households')
      .values({ corridor_id: corridor.id, community_id: corridor.community_id!, address: `${members} people`, members, lat: 31.2 + 0.002 * i, lon: 121.45 })
      .returning('id').executeTakeFirstOrThrow();
    const res = await submitNeed(intake, admin, h.id, { kind: 'food_package', details: {}, onDuplicate: 'keep_larger' }, {});
    needOf.set(members, res.body.need.id);
  }
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('a food package through intake and a food round', () => {
  it("reserves exactly one variant's items per household (5 people: 15 kg rice, not 30), carried in bags by size", async () => {
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
    for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    expect(await mergeRound(database.db, round.id, clock)).toBe('stored');

    const plan = await readPlan(database.db, round.id);
    const stopOf = new Map(plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => [b.needId, s.id!] as const))));
    const bagsOf = (needId: string) => plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags)).filter((b) => b.needId === needId).length;
    // The ledger: what the round holds per stop (one household per stop here) and item.
    const rows = (await sql<{ stop_id: string; item_code: string; held: string }>`
      select stop_id::text as stop_id, item_code, sum(reserved_delta)::text as held from stock_ledger
      where round_id = ${round.id} group by stop_id, item_code`.execute(database.db)).rows;
    const heldAt = (stopId: string | undefined) => Object.fromEntries(rows.filter((r) => r.stop_id === stopId).map((r) => [r.item_code, Number(r.held)]));

    expect(heldAt(stopOf.get(needOf.get(5)!))).toEqual({ rice: 15, oil: 3 });
    expect(heldAt(stopOf.get(needOf.get(2)!))).toEqual({ rice: 5, oil: 1 });
    expect(bagsOf(needOf.get(5)!)).toBe(2);
    expect(bagsOf(needOf.get(2)!)).toBe(1);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('migration 0018 strips the old count from needs still waiting for a round, and keeps it where it is history', async () => {
    const h = await database.db.selectFrom('households').select(['id', 'corridor_id', 'community_id']).where('members', '=', 5).executeTakeFirstOrThrow();
    const ids = await database.db.insertInto('needs').values((['accepted', 'delivered'] as const).map((status, i) => ({
      household_id: h.id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'food_package' as const, identity_key: `old-${i}`,
      details: JSON.stringify({ cycle: `old-${i}`, packages: 2 }), status, cycle: `old-${i}`, failure_reason: null, created_by: 'test',
    }))).returning(['id', 'status']).execute();
    // A migration sees the database untyped (Kysely<unknown>), as the migrator gives it.
    await stripPackages(database.db as unknown as Kysely<unknown>);
    const after = await database.db.selectFrom('needs').select(['id', 'details']).where('id', 'in', ids.map((r) => r.id)).execute();
    const detailsOf = (status: string) => after.find((r) => r.id === ids.find((x) => x.status === status)!.id)!.details;
    expect(detailsOf('accepted')).toEqual({ cycle: 'old-0' });
    expect(detailsOf('delivered')).toEqual({ cycle: 'old-1', packages: 2 });
  });
});
