/**
 * Urgent insertion into a dispatched round: the emergency need gets a stop, every loaded stop keeps
 * its vehicle and its order; a second insertion of the same need changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan, type Plan } from '../../src/store/round-plan.repository';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { insertUrgentNeed } from '../../src/services/rounds/urgent.service';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const producers = { ready: () => true, addRoundFlow: async () => undefined };

beforeAll(async () => {
  database = await openTestDatabase('round_urgent');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 5, householdsPerCorridor: 4, vehicles: 4, capacityBags: 80 });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

/** Where each bag is: vehicle and position among the stops that were there before. */
function placement(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of plan.trips) {
    const old = t.stops.filter((s) => !s.urgent);
    old.forEach((s, i) => s.bags.forEach((b) => out.set(b.bagId, `${t.vehicleId}#${i}`)));
  }
  return out;
}

async function emergencyNeed(nth = 0): Promise<string> {
  const h = await database.db.selectFrom('households').select(['id', 'corridor_id', 'community_id']).where('community_id', '=', district.communityIds[1]!).orderBy('id').offset(nth).limit(1).executeTakeFirstOrThrow();
  const row = await database.db.insertInto('needs').values({
    household_id: h.id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'medicine', identity_key: 'insulin',
    details: JSON.stringify({ drug: 'x', strength: 'y', quantity: 1, urgency: 'emergency' }), status: 'accepted', urgency: 'emergency',
    cycle: null, failure_reason: null, created_by: 'test',
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

describe('urgent insertion', () => {
  it('an urgent need inserted into a dispatched round keeps every loaded stop on its vehicle', async () => {
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 300 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
    for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    await mergeRound(database.db, round.id);
    await approveRound(database.db, round.id, 'd');
    await dispatchRound(database.db, round.id, 'd');
    const before = await readPlan(database.db, round.id);

    const needId = await emergencyNeed();
    // How fast is the rounds bench's urgent_p50_ms / urgent_p99_ms (bench/rounds.bench.ts), not this test's.
    const outcome = await insertUrgentNeed(database.db, needId);
    expect(outcome).toMatchObject({ status: 'inserted', roundId: round.id });

    const after = await readPlan(database.db, round.id);
    expect(placement(after)).toEqual(placement(before));
    const urgent = after.trips.flatMap((t) => t.stops.filter((s) => s.urgent).map((s) => ({ t, s })));
    expect(urgent).toHaveLength(1);
    expect(urgent[0]!.s.bags.map((b) => b.needId)).toEqual([needId]);
    expect(urgent[0]!.s.status).toBe('loaded');
    const need = await database.db.selectFrom('needs').select('status').where('id', '=', needId).executeTakeFirstOrThrow();
    expect(need.status).toBe('out_for_delivery');

    expect(await insertUrgentNeed(database.db, needId)).toEqual({ status: 'skipped', reason: 'not-accepted' });
    expect((await readPlan(database.db, round.id)).trips.flatMap((t) => t.stops.filter((s) => s.urgent))).toHaveLength(1);
  });

  it('with every running trip full, the urgent need gets a dedicated trip on a vehicle of the round, same driver', async () => {
    const roundId = (await database.db.selectFrom('rounds').select('id').where('status', '=', 'dispatched').executeTakeFirstOrThrow()).id;
    const before = await readPlan(database.db, roundId);
    await database.db.updateTable('vehicles').set({ capacity: JSON.stringify({ bags: 1 }) }).execute();
    const needId = await emergencyNeed(1);
    const outcome = await insertUrgentNeed(database.db, needId);
    expect(outcome).toMatchObject({ status: 'inserted', dedicatedTrip: true, seq: 0 });
    const after = await readPlan(database.db, roundId);
    expect(placement(after)).toEqual(placement(before));
    const trip = after.trips.find((t) => t.id === (outcome as { tripId: string }).tripId)!;
    const first = after.trips.find((t) => t.vehicleId === trip.vehicleId && t.tripNo === 1)!;
    expect(trip.tripNo).toBe(2);
    expect(trip.driverId).toBe(first.driverId);
    expect(trip.stops.map((s) => s.bags.map((b) => b.needId))).toEqual([[needId]]);
  });
});
