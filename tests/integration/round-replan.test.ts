/**
 * A dispatcher moves a stop and locks another, then re-plans the rest: locked stops keep their trip,
 * vehicle and order; every need of the round ends planned or unserved exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { getRound, listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { failRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { moveStop, replanRound, setStopLock } from '../../src/services/rounds/round-replan.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';
import { expectPlannedExactlyOnce } from './round.checks';

let database: Database;
let district: District;
const flows: { roundId: string; subs: string[]; generation: number }[] = [];
const producers = {
  ready: () => true,
  addRoundFlow: async (roundId: string, subs: string[], generation = 1) => void flows.push({ roundId, subs, generation }),
};

async function planAll(roundId: string): Promise<void> {
  for (const s of await listSubproblems(database.db, roundId)) await solveSubproblem({ db: database.db, now: () => performance.now() }, roundId, s.id);
  expect(await mergeRound(database.db, roundId)).toBe('stored');
}

beforeAll(async () => {
  database = await openTestDatabase('round_replan');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 6, householdsPerCorridor: 3, vehicles: 6, capacityBags: 40 });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('dispatcher changes and re-plan', () => {
  it('keeps locked stops where the dispatcher put them and re-plans the rest', async () => {
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 200 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
    await planAll(round.id);
    const first = await readPlan(database.db, round.id);
    expect(first.trips.length).toBeGreaterThanOrEqual(2);
    const [a, b] = first.trips as [typeof first.trips[0], typeof first.trips[0]];
    const moved = a.stops[0]!;
    await moveStop(database.db, round.id, moved.id!, b.id, 0);
    const kept = b.stops.at(-1)!;
    await setStopLock(database.db, round.id, kept.id!, true);
    const edited = await readPlan(database.db, round.id);
    const bAfter = edited.trips.find((t) => t.id === b.id)!;
    expect(bAfter.stops[0]).toMatchObject({ id: moved.id, locked: true });
    expect(bAfter.stops.map((s) => s.id)).toEqual([moved.id, ...b.stops.map((s) => s.id)]);
    await expect(moveStop(database.db, round.id, '999999999', b.id, 0)).rejects.toMatchObject({ code: 'not_found' });

    await replanRound({ db: database.db, producers }, round.id, 'd');
    expect((await getRound(database.db, round.id))).toMatchObject({ status: 'planning', generation: 2 });
    expect(flows.at(-1)).toMatchObject({ roundId: round.id, generation: 2 });
    expect(flows.at(-1)!.subs.every((s) => s.startsWith('g2sp'))).toBe(true);
    await planAll(round.id);

    const after = await readPlan(database.db, round.id);
    const trip = after.trips.find((t) => t.id === b.id)!;
    // Only the locked stops stayed on b, in their order, on b's vehicle; no other trip uses it.
    expect(trip.stops.map((s) => s.id)).toEqual([moved.id, kept.id]);
    expect(trip.vehicleId).toBe(b.vehicleId);
    expect(after.trips.filter((t) => t.vehicleId === b.vehicleId)).toHaveLength(1);
    await expectPlannedExactlyOnce(database, round.id, district.needIds);
    await expect(setStopLock(database.db, 'ffffffff-ffff-4fff-8fff-ffffffffffff', kept.id!, false)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a re-planned round that fails gives the needs of its locked stops back to the pool', async () => {
    const d = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 3, householdsPerCorridor: 2, vehicles: 2 }, 77);
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 100 }, { areaId: d.districtId, kind: 'food', actor: 'd' });
    await planAll(round.id);
    const stop = (await readPlan(database.db, round.id)).trips[0]!.stops[0]!;
    await setStopLock(database.db, round.id, stop.id!, true);
    await replanRound({ db: database.db, producers }, round.id, 'd');
    expect(await failRound(database.db, round.id, 'solver gave up')).toBe(true);
    const statuses = await database.db.selectFrom('needs').select('status').where('id', 'in', d.needIds).execute();
    expect(statuses.every((n) => n.status === 'accepted')).toBe(true);
  });
});
