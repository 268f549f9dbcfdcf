/**
 * Stock and rounds on the real PostgreSQL: food-package needs expand through a kit with size variants;
 * a round under shortage is allocated within stock (per community, explained); a stored plan is
 * reserved all-or-nothing at its trips' depots, released per stop and deducted per loaded batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import type { Database } from '../../src/store/db';
import { storePlanOnce, type PlanTrip } from '../../src/store/round-plan.repository';
import { defineItem, defineKit } from '../../src/services/stock/kit.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { deductForBatch, releaseForRound, releaseForStop, reserveForRound } from '../../src/services/stock/stock-round.service';
import { shortfallForArea, shortfallForRound } from '../../src/services/stock/stock-shortfall.service';
import { ledgerMismatches, listBalances } from '../../src/store/stock-read.repository';

import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const deps = () => ({ db: database.db, clock });
const balance = async (itemCode: string) => (await listBalances(database.db, { depotId: district.depotId, itemCode }))[0];

interface NeedInfo { id: string; community_id: string; corridor_id: string; members: number }
let needs: NeedInfo[];
/** Rice bags the kit gives a household: 1 for one or two people, 2 from three. */
const riceOf = (n: NeedInfo) => (n.members <= 2 ? 1 : 2);

beforeAll(async () => {
  database = await openTestDatabase('stock_round');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 5, vehicles: 2 });
  needs = (await sql<NeedInfo>`select n.id, n.community_id, n.corridor_id, h.members from needs n join households h on h.id = n.household_id order by n.id`.execute(database.db)).rows;
  await defineItem(deps(), { code: 'rice-5kg', name: 'Rice 5 kg', unit: 'pack', weightKg: 5, volumeL: 6 });
  await defineItem(deps(), { code: 'oil-1l', name: 'Oil 1 l', unit: 'bottle', weightKg: 0.95, volumeL: 1 });
  await defineKit(deps(), 'food_package', { name: 'Food package', variants: [
    { name: 'small', minMembers: 1, maxMembers: 2, lines: [{ code: 'rice-5kg', quantity: 1 }, { code: 'oil-1l', quantity: 1 }] },
    { name: 'large', minMembers: 3, maxMembers: 30, lines: [{ code: 'rice-5kg', quantity: 2 }, { code: 'oil-1l', quantity: 1 }] },
  ] });
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 15 }, 'clerk');
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'oil-1l', quantity: 100 }, 'clerk');
});

afterAll(async () => {
  await sql.raw(`drop schema if exists ${database.schema} cascade`).execute(database.db);
  await database.close();
});

describe('shortfalls and round reservations', () => {
  let roundId: string;
  const riceNeeded = () => needs.reduce((s, n) => s + riceOf(n), 0);

  it('a round under shortage is allocated within stock, with the shortfall per community and why', async () => {
    const s = await shortfallForArea(deps(), district.districtId);
    expect(s.needs).toBe(20);
    const rice = s.items.find((i) => i.itemCode === 'rice-5kg')!;
    expect(rice).toMatchObject({ available: 15, needed: riceNeeded(), allocated: 15, short: riceNeeded() - 15 });
    expect(s.items.find((i) => i.itemCode === 'oil-1l')).toMatchObject({ needed: 20, allocated: 20, short: 0 });
    for (const c of district.communityIds) {
      const line = s.lines.find((l) => l.communityId === c && l.itemCode === 'rice-5kg')!;
      expect(line.needed).toBe(needs.filter((n) => n.community_id === c).reduce((t, n) => t + riceOf(n), 0));
      expect(line.short).toBe(line.needed - line.allocated);
      const why = s.explanations.find((e) => e.groupId === c && e.itemId === 'rice-5kg')!;
      if (line.short > 0) expect(why.reasons.map((r) => r.code)).toContain('stock-short');
    }
    // Fair between communities: neither is served in full while the other starves.
    const shares = s.lines.filter((l) => l.itemCode === 'rice-5kg').map((l) => l.allocated / l.needed);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThan(0.2);
  });

  it('a round claims its needs: its shortfall is the same, the area has none left waiting', async () => {
    roundId = (await database.db.withTables<{ rounds: { id: string; area_id: string; kind: string; status: string; time_limit_ms: number; created_by: string } }>()
      .insertInto('rounds').values({ area_id: district.districtId, kind: 'food', status: 'planning', time_limit_ms: 1000, created_by: 'test' } as never).returning('id').executeTakeFirstOrThrow()).id;
    await database.db.withTables<{ round_needs: { round_id: string; need_id: string; subproblem_id: string } }>()
      .insertInto('round_needs').values(needs.map((n) => ({ round_id: roundId, need_id: n.id, subproblem_id: 's1' }))).execute();
    const s = await shortfallForRound(deps(), roundId);
    expect(s.items.find((i) => i.itemCode === 'rice-5kg')).toMatchObject({ allocated: 15, short: riceNeeded() - 15 });
    expect((await shortfallForArea(deps(), district.districtId)).needs).toBe(0);
  });

  it('reserves a stored plan all or nothing, releases a cancelled stop, deducts a loaded batch', async () => {
    // One trip per community, one stop per corridor.
    const trips: PlanTrip[] = district.communityIds.map((c, t) => {
      const corridors = [...new Set(needs.filter((n) => n.community_id === c).map((n) => n.corridor_id))];
      return {
        id: `t${t}`, vehicleId: district.vehicleIds[t]!, depotId: district.depotId, tripNo: 1, subproblemId: 's1', distanceM: 1000, durationS: 600,
        stops: corridors.map((corridor, k) => ({
          corridorId: corridor, plannedStartS: 60 * k,
          bags: needs.filter((n) => n.corridor_id === corridor).map((n) => ({ bagId: `${n.id}-1`, needId: n.id, item: 'food_package' })),
        })),
      };
    });
    expect(await storePlanOnce(database.db, roundId, { trips, unserved: [] }, 'planner')).toBe(true);

    const refused = await reserveForRound(deps(), roundId, 'planner').then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('conflict');
    expect((refused as AppError).message).toMatch(/not enough stock: rice-5kg/);
    expect(await balance('rice-5kg')).toMatchObject({ onHand: 15, reserved: 0 });
    expect(await balance('oil-1l')).toMatchObject({ reserved: 0 }); // all or nothing: oil was not held either

    await receiveStock(deps(), { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 40 }, 'clerk');
    const ok = await reserveForRound(deps(), roundId, 'planner');
    expect(ok.untracked).toEqual([]);
    expect(await balance('rice-5kg')).toMatchObject({ onHand: 55, reserved: riceNeeded() });
    expect(await balance('oil-1l')).toMatchObject({ onHand: 100, reserved: 20 });
    expect((await reserveForRound(deps(), roundId, 'planner')).reserved).toEqual([]); // repeated: nothing more held

    const stops = (await sql<{ id: string; trip_id: string; corridor_id: string }>`select id::text as id, trip_id, corridor_id from round_stops where round_id = ${roundId} order by trip_id, seq`.execute(database.db)).rows;
    const cancelled = stops.find((s) => s.trip_id === 't0')!;
    const riceOfStop = needs.filter((n) => n.corridor_id === cancelled.corridor_id).reduce((t, n) => t + riceOf(n), 0);
    await releaseForStop(deps(), roundId, cancelled.id, 'dispatcher');
    expect(await balance('rice-5kg')).toMatchObject({ onHand: 55, reserved: riceNeeded() - riceOfStop });

    const riceOfTrip1 = needs.filter((n) => n.community_id === district.communityIds[1]).reduce((t, n) => t + riceOf(n), 0);
    await deductForBatch(deps(), roundId, 't1', 'loader');
    await deductForBatch(deps(), roundId, 't1', 'loader');
    expect(await balance('rice-5kg')).toMatchObject({ onHand: 55 - riceOfTrip1, reserved: riceNeeded() - riceOfStop - riceOfTrip1 });
    expect(await balance('oil-1l')).toMatchObject({ onHand: 90, reserved: 5 });
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('runs inside a caller’s transaction: rolled back with it, or committed with it', async () => {
    const before = await balance('rice-5kg');
    expect(before!.reserved).toBeGreaterThan(0);
    const failed = database.db.transaction().execute(async (trx) => {
      await releaseForRound({ db: trx, clock }, roundId, 'dispatcher', 're-plan');
      expect((await listBalances(trx, { depotId: district.depotId, itemCode: 'rice-5kg' }))[0]).toMatchObject({ reserved: 0 });
      throw new Error('the new plan was not stored');
    });
    await expect(failed).rejects.toThrow('the new plan was not stored');
    expect(await balance('rice-5kg')).toEqual(before);

    await database.db.transaction().execute((trx) => releaseForRound({ db: trx, clock }, roundId, 'dispatcher', 're-plan'));
    expect(await balance('rice-5kg')).toMatchObject({ onHand: before!.onHand, reserved: 0 });
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });
});
