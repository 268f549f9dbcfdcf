/**
 * Urgent insertion into a dispatched round: the emergency need gets a stop, every loaded stop keeps
 * its vehicle and its order; a second insertion of the same need changes nothing. A position that
 * would break a rule of the plan (room in bags or kg, protective equipment, gate hours, trips per
 * van) is never taken: the need stays accepted, the outcome names the rule, nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { planCounts, readPlan, type Plan } from '../../src/store/round-plan.repository';
import { loadStoredPlan } from '../../src/store/round-check.repository';
import { storedPlanProblem } from '../../src/planning/adapters/stored-plan';
import { checkPlanOf } from '../../src/services/rounds/plan-check.service';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { insertUrgentNeed } from '../../src/services/rounds/urgent.service';
import { dispatchCase, type EmergencyDeps } from '../../src/services/emergency/emergency-dispatch';
import { settleRound } from '../../src/services/deliveries/round-delivery.service';
import { casesWaiting, findCase, insertCase } from '../../src/store/emergency.repository';
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

/** Each need its own identity: a corridor's first household can be the community's nth, and two open needs of one identity are refused. */
let emergencies = 0;
async function emergencyNeed(nth = 0, corridorId?: string): Promise<string> {
  const h = await database.db.selectFrom('households').select(['id', 'corridor_id', 'community_id']).where('community_id', '=', district.communityIds[1]!)
    .$if(corridorId !== undefined, (q) => q.where('corridor_id', '=', corridorId!)).orderBy('id').offset(nth).limit(1).executeTakeFirstOrThrow();
  const row = await database.db.insertInto('needs').values({
    household_id: h.id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'medicine', identity_key: `insulin-${++emergencies}`,
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

  it('a positive household\'s bag never goes on a van without protective equipment (skill:protective)', async () => {
    const roundId = await dispatchedRound();
    await roomEverywhere(roundId);
    const needId = await emergencyNeed(3);
    await database.db.updateTable('households').set({ infection_status: 'positive' })
      .where('id', '=', (await database.db.selectFrom('needs').select('household_id').where('id', '=', needId).executeTakeFirstOrThrow()).household_id).execute();
    const before = await planCounts(database.db, roundId);
    expect(await insertUrgentNeed(database.db, needId)).toMatchObject({ status: 'skipped', reason: 'no-feasible-place', rule: 'skill:protective' });
    expect(await planCounts(database.db, roundId)).toEqual(before);
    expect(await needStatus(needId)).toBe('accepted');
    // With protective equipment on one van, it goes there.
    const van = [...(await loadsByVehicle(roundId)).keys()][0]!;
    await database.db.updateTable('vehicles').set({ skills: ['protective'] }).where('id', '=', van).execute();
    const outcome = await insertUrgentNeed(database.db, needId);
    expect(outcome).toMatchObject({ status: 'inserted' });
    const trip = (await readPlan(database.db, roundId)).trips.find((t) => t.id === (outcome as { tripId: string }).tripId)!;
    expect(trip.vehicleId).toBe(van);
    // The van keeps its equipment: the stop it now carries needs it.
  });

  it('no van with room for its kilograms: refused naming capacity:kg, plan unchanged', async () => {
    const roundId = await dispatchedRound();
    const loads = await loadsByVehicle(roundId);
    for (const [vehicleId, load] of loads) {
      await database.db.updateTable('vehicles').set({ capacity: JSON.stringify({ bags: load.bags + 50, kg: load.kg }) }).where('id', '=', vehicleId).execute();
    }
    const before = await planCounts(database.db, roundId);
    const needId = await emergencyNeed(4);
    expect(await insertUrgentNeed(database.db, needId)).toMatchObject({ status: 'skipped', reason: 'no-feasible-place', rule: 'capacity:kg' });
    expect(await planCounts(database.db, roundId)).toEqual(before);
  });

  it('a gate closed for the whole shift: refused naming time-window, plan unchanged', async () => {
    const roundId = await dispatchedRound();
    await roomEverywhere(roundId);
    // A new corridor whose gate is open 06:00-07:00 only, before the round's shift starts at 08:00.
    const corridorId = (await database.db.insertInto('areas').values({
      kind: 'corridor', parent_id: district.communityIds[1]!, community_id: district.communityIds[1]!, name: 'early gate', lat: null, lon: null,
      receiving_from_min: 360, receiving_until_min: 420,
    }).returning('id').executeTakeFirstOrThrow()).id;
    const near = await database.db.selectFrom('households').select(['lat', 'lon']).where('community_id', '=', district.communityIds[1]!).limit(1).executeTakeFirstOrThrow();
    await database.db.insertInto('households').values({ corridor_id: corridorId, community_id: district.communityIds[1]!, address: 'early/1', members: 2, lat: near.lat, lon: near.lon }).execute();
    const needId = await emergencyNeed(0, corridorId);
    const before = await planCounts(database.db, roundId);
    expect(await insertUrgentNeed(database.db, needId)).toMatchObject({ status: 'skipped', reason: 'no-feasible-place', rule: 'time-window' });
    expect(await planCounts(database.db, roundId)).toEqual(before);
    // Open until 12:00, it is served.
    await database.db.updateTable('areas').set({ receiving_from_min: 360, receiving_until_min: 720 }).where('id', '=', corridorId).execute();
    expect(await insertUrgentNeed(database.db, needId)).toMatchObject({ status: 'inserted' });
  });
  it('no trip to spare and no room: the need stays accepted, the outcome names the rule, the plan is unchanged', async () => {
    const roundId = await dispatchedRound();
    for (const [vehicleId, load] of await loadsByVehicle(roundId)) {
      await database.db.updateTable('vehicles').set({ capacity: JSON.stringify({ bags: load.bags }), max_trips: 1 }).where('id', '=', vehicleId).execute();
    }
    const before = await planCounts(database.db, roundId);
    const needId = await emergencyNeed(2);
    expect(await insertUrgentNeed(database.db, needId)).toMatchObject({ status: 'skipped', reason: 'no-feasible-place', roundId, rule: 'capacity:bags' });
    expect(await planCounts(database.db, roundId)).toEqual(before);
    expect(await needStatus(needId)).toBe('accepted');
  });

  it('with every running trip full, the urgent need gets a dedicated trip after the van is back, same driver', async () => {
    const roundId = await dispatchedRound();
    const before = await readPlan(database.db, roundId);
    // No room left on any trip (bags capacity = what each van carries), a second trip allowed.
    const loads = await loadsByVehicle(roundId);
    for (const [vehicleId, load] of loads) {
      await database.db.updateTable('vehicles').set({ capacity: JSON.stringify({ bags: load.bags }), max_trips: 2 }).where('id', '=', vehicleId).execute();
    }
    const needId = await emergencyNeed(1);
    const outcome = await insertUrgentNeed(database.db, needId);
    expect(outcome).toMatchObject({ status: 'inserted', dedicatedTrip: true, seq: 0 });
    const after = await readPlan(database.db, roundId);
    expect(placement(after)).toEqual(placement(before));
    const trip = after.trips.find((t) => t.id === (outcome as { tripId: string }).tripId)!;
    const first = after.trips.find((t) => t.vehicleId === trip.vehicleId && t.tripNo === 1)!;
    expect(trip.tripNo).toBe(2);
    expect(trip.driverId).toBe(first.driverId);
    // It leaves once the first trip is back and the van reloaded (20 minutes by default).
    expect(trip.departS).toBeGreaterThan(first.departS! + 1200);
    expect(trip.stops.map((s) => s.bags.map((b) => b.needId))).toEqual([[needId]]);
    expect((await checkPlanOf(database.db, roundId)).ok).toBe(true);
  });

  it('an emergency case placed on a round is its driver\'s, and ends with its stop: done when delivered, unserved when the stop failed', async () => {
    const roundId = await dispatchedRound();
    await roomEverywhere(roundId);
    const alerts: string[] = [];
    const deps: EmergencyDeps = {
      db: database.db, clock: { now: () => new Date() }, audit: undefined as never,
      alerts: { passState: async () => undefined, alert: async (kind) => void alerts.push(kind) },
      urgentInsert: (needId) => insertUrgentNeed(database.db, needId),
    };
    const raise = async (nth: number) => {
      const needId = await emergencyNeed(nth);
      const n = await database.db.selectFrom('needs').select(['household_id', 'corridor_id', 'community_id']).where('id', '=', needId).executeTakeFirstOrThrow();
      const c = await insertCase(database.db, {
        householdId: n.household_id!, corridorId: n.corridor_id!, communityId: n.community_id, kind: 'emergency_medicine', needId, hospitalId: null, createdBy: 'test', acceptedAt: new Date(),
      });
      const placed = await dispatchCase(deps, c);
      const plan = await readPlan(database.db, roundId);
      const trip = plan.trips.find((t) => t.stops.some((s) => s.bags.some((b) => b.needId === needId)))!;
      return { c, placed, trip, needId };
    };

    const ok = await raise(6);
    expect(ok.placed).toMatchObject({ status: 'trip_assigned', tripRef: `round:${roundId}:${ok.trip.id}` });
    // The driver of that trip sees the case (and may close it): it was null before.
    expect(ok.trip.driverId).not.toBeNull();
    expect(ok.placed.driverId).toBe(ok.trip.driverId);
    const bad = await raise(7);
    expect(bad.placed.status).toBe('trip_assigned');

    const closeStop = (needId: string, status: 'delivered' | 'failed') => database.db.updateTable('round_stops').set({ status })
      .where('id', '=', (eb) => eb.selectFrom('round_bags').select('stop_id').where('need_id', '=', needId).where('round_id', '=', roundId)).execute();
    await closeStop(ok.needId, 'delivered');
    await closeStop(bad.needId, 'failed');
    await settleRound(database.db, roundId);
    expect(await needStatus(ok.needId)).toBe('delivered');
    expect(await findCase(database.db, ok.c.id)).toMatchObject({ status: 'done' });
    expect((await findCase(database.db, ok.c.id))!.doneAt).not.toBeNull();
    expect(await needStatus(bad.needId)).toBe('failed');
    expect(await findCase(database.db, bad.c.id)).toMatchObject({ status: 'unserved', unservedReason: 'delivery-failed' });
    // The dispatcher decides what follows a failed door; the retry sweep does not send a car on its own.
    expect((await casesWaiting(database.db, new Date())).map((c) => c.id)).not.toContain(bad.c.id);
  });
});

async function dispatchedRound(): Promise<string> {
  return (await database.db.selectFrom('rounds').select('id').where('status', '=', 'dispatched').executeTakeFirstOrThrow()).id;
}

async function needStatus(needId: string): Promise<string> {
  return (await database.db.selectFrom('needs').select('status').where('id', '=', needId).executeTakeFirstOrThrow()).status;
}

/** What each van of the round carries over all its trips, per dimension. */
async function loadsByVehicle(roundId: string): Promise<Map<string, { bags: number; kg: number }>> {
  const { problem, solution } = storedPlanProblem(await loadStoredPlan(database.db, roundId));
  const out = new Map<string, { bags: number; kg: number }>();
  for (const r of solution.routes) {
    const id = problem.vehicles[r.vehicle]!.id;
    const sum = out.get(id) ?? { bags: 0, kg: 0 };
    for (const s of r.stops) { sum.bags += problem.stops[s]!.demand[0]!; sum.kg += problem.stops[s]!.demand[1]!; }
    out.set(id, sum);
  }
  return out;
}

/** Room on every van (so only the rule under test can refuse). */
async function roomEverywhere(roundId: string): Promise<void> {
  for (const [vehicleId, load] of await loadsByVehicle(roundId)) {
    await database.db.updateTable('vehicles').set({ capacity: JSON.stringify({ bags: load.bags + 50 }) }).where('id', '=', vehicleId).execute();
  }
}
