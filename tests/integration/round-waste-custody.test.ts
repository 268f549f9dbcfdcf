/**
 * The chain of custody of a waste round (issue #18, item 2) on PostgreSQL: the round goes from
 * requests to disposal, the trip's driver records the bags and kg at each pickup (a replay changes
 * nothing, another driver is refused), the truck is weighed at the disposal site 30% lighter and the
 * dispatch desk gets the flag (a live event with ids only, stored on the trip, in the proposal); a
 * trip within the tolerance is not flagged. Then the disinfection: a truck whose last waste trip has
 * no disinfection record is left out of a food round's fleet, and is planned again once disinfected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access';
import type { LiveEvent, Scope } from '../../src/contracts/events';
import { seedDemoDistrict } from '../../src/demo/demo-district.seed';
import { approveRound, dispatchRound, failRound, mergeRound, roundFleet, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { proposalView } from '../../src/services/rounds/round-view';
import { settleRound } from '../../src/services/deliveries/round-delivery.service';
import { driverBatches } from '../../src/services/deliveries/driver-batches.service';
import { gateView } from '../../src/services/deliveries/gate-deliveries.service';
import { requestWastePickup } from '../../src/services/waste/waste.service';
import { recordDisinfection, recordPickup, recordUnload, type CustodyDeps } from '../../src/services/waste/waste-custody.service';
import { isAppError } from '../../src/shared/errors';
import { ManualClock } from '../../src/shared/clock';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { findUnload } from '../../src/store/waste-custody.repository';
import { openTestDatabase } from './round.fixtures';


/**
 * The search's clock in steps (ten per millisecond of budget), not in milliseconds: the plan is the
 * same however busy the machine is. On a wall clock a loaded machine searched too little, and the
 * plan left trucks' second trips without a driver's shift (unserved 'no-driver').
 */
function searchTicks(): () => number {
  let t = 0;
  return () => (t += 0.1);
}

const clock = new ManualClock('2026-11-23T08:00:00Z');
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const dispatcher: Actor = { userId: 'dispatcher', role: 'dispatcher', corridorIds: [], communityIds: [] };
const published: { scopes: Scope[]; event: LiveEvent }[] = [];
let database: Database;
let wasteRoundId: string;

const deps = (): CustodyDeps => ({
  db: database.db, clock, audit: undefined, weightTolerance: 0.1,
  publisher: { publish: async (scopes, event) => { published.push({ scopes: [...scopes], event }); return []; } },
});
const driverOf = (driverId: string): Actor => ({ userId: `driver-${driverId.slice(0, 8)}`, role: 'driver', driverId, corridorIds: [], communityIds: [] });
const codeOf = (err: unknown) => (isAppError(err) ? err.code : err);

beforeAll(async () => {
  database = await openTestDatabase('round_waste_custody');
  await seedDemoDistrict({ db: database.db, clock, foodCycleDays: 3 }, { scryptCost: { N: 1024, r: 8, p: 1 } });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

async function dispatchedWasteRound(): Promise<string> {
  const district = await database.db.selectFrom('areas').select('id').where('kind', '=', 'district').executeTakeFirstOrThrow();
  // More than the demo's two waste trucks hold in one trip each (6 x 900 kg against 2 x 2,500 kg), so
  // one of them unloads and goes out again. Chosen by community and corridor name (unique together): by id (random each run) a CI run drew six
  // whose second trips did not fit the shifts (unserved 'shift-exhausted'), and with 5, a plan of two
  // trucks going out once each failed the third test.
  const corridors = await database.db.selectFrom('areas as c').innerJoin('areas as m', 'm.id', 'c.community_id').select('c.id')
    .where('c.kind', '=', 'corridor').orderBy('m.name').orderBy('c.name').offset(3).limit(6).execute();
  for (const c of corridors) await requestWastePickup({ db: database.db, clock, audit: undefined }, dispatcher, c.id, { bags: 40, estimatedKg: 900, category: 'close_contact' });
  const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 2000 }, { areaId: district.id, kind: 'waste', actor: 'dispatcher' });
  for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: searchTicks() }, round.id, s.id);
  expect(await mergeRound(database.db, round.id, clock)).toBe('stored');
  await approveRound(database.db, round.id, 'dispatcher');
  await dispatchRound(database.db, round.id, 'dispatcher', clock);
  return round.id;
}

describe('custody of a waste round, from pickup to disposal', () => {
  it('records the pickups and flags an unload 30% lighter to the dispatch desk', async () => {
    wasteRoundId = await dispatchedWasteRound();
    const plan = await readPlan(database.db, wasteRoundId);
    const unserved = await database.db.selectFrom('round_unserved').selectAll().where('round_id', '=', wasteRoundId).execute();
    expect(plan.trips.length, JSON.stringify({ trips: plan.trips.map((t) => [t.vehicleId, t.tripNo, t.stops.length]), unserved })).toBeGreaterThan(2);
    const [light, fine] = plan.trips;
    const driver = driverOf(light!.driverId!);

    // Before anything is recorded, the pickups of a trip are the driver's; another driver is refused.
    const stranger = driverOf('00000000-0000-4000-8000-000000000000');
    const refused = await recordPickup(deps(), stranger, wasteRoundId, light!.stops[0]!.id!, { bags: 1, kg: 1 }).catch((e: unknown) => e);
    expect(codeOf(refused)).toBe('forbidden');

    let picked = 0;
    for (const [i, stop] of light!.stops.entries()) {
      const kg = 100 + 10 * i;
      const first = await recordPickup(deps(), driver, wasteRoundId, stop.id!, { bags: 4, kg });
      expect(first).toMatchObject({ replayed: false, record: { bags: 4, kg, tripId: light!.id } });
      // The phone replays its offline queue: the same record again changes nothing.
      expect((await recordPickup(deps(), driver, wasteRoundId, stop.id!, { bags: 4, kg })).replayed).toBe(true);
      picked += kg;
    }
    // The driver's page shows what was recorded at each stop.
    const batch = (await driverBatches(database.db, light!.driverId!)).find((b) => b.tripId === light!.id)!;
    expect(batch.stops.map((s) => s.pickup?.kg)).toEqual(light!.stops.map((_, i) => 100 + 10 * i));
    expect(batch.custody).toEqual({ unloadedKg: null, disinfection: null });
    const unload = await recordUnload(deps(), driver, wasteRoundId, light!.id, { kg: picked * 0.7 });
    expect(unload.record).toMatchObject({ flagged: true, pickedKg: picked, tripId: light!.id });
    expect(unload.record.discrepancy).toBeCloseTo(0.3, 6);
    // The desk's flag: stored on the trip, published to the dispatch scope with ids only, in the proposal.
    expect(await findUnload(database.db, wasteRoundId, light!.id)).toMatchObject({ flagged: true, kg: picked * 0.7 });
    const flags = published.filter((p) => p.event.type === 'waste.custody_flagged');
    expect(flags).toHaveLength(1);
    expect(flags[0]!.scopes).toEqual(['dispatch']);
    expect(flags[0]!.event).toMatchObject({ roundId: wasteRoundId, tripId: light!.id, vehicleId: light!.vehicleId, batchId: `${wasteRoundId}_${light!.id}` });
    const proposal = await proposalView(database.db, wasteRoundId);
    expect(proposal.trips.find((t) => t.id === light!.id)!.custody).toMatchObject({ pickedKg: picked, pickups: light!.stops.length, unload: { flagged: true } });

    // The weight at the site is final, and so are the trip's pickups once it was weighed.
    expect(codeOf(await recordUnload(deps(), driver, wasteRoundId, light!.id, { kg: picked }).catch((e: unknown) => e))).toBe('invalid_transition');
    expect((await recordUnload(deps(), driver, wasteRoundId, light!.id, { kg: picked * 0.7 })).replayed).toBe(true);
    expect(codeOf(await recordPickup(deps(), driver, wasteRoundId, light!.stops[0]!.id!, { bags: 4, kg: 1 }).catch((e: unknown) => e))).toBe('invalid_transition');

    // Within the tolerance (5% lighter: water drained, say), no flag; dispatchers may record from the paper.
    for (const stop of fine!.stops) await recordPickup(deps(), dispatcher, wasteRoundId, stop.id!, { bags: 2, kg: 50 });
    const ok = await recordUnload(deps(), dispatcher, wasteRoundId, fine!.id, { kg: 50 * fine!.stops.length * 0.95 });
    expect(ok.record.flagged).toBe(false);
    expect(published.filter((p) => p.event.type === 'waste.custody_flagged')).toHaveLength(1);
  });

  it('shows each pickup at its corridor\'s gate: the truck, the planned time, what was asked for and what the crew recorded (issue #18, item 5)', async () => {
    const plan = await readPlan(database.db, wasteRoundId);
    const [light, fine] = plan.trips;
    const plates = new Map((await database.db.selectFrom('vehicles').select(['id', 'plate']).execute()).map((v) => [v.id, v.plate]));
    const asked: { category: string; bags: number; kg: number }[] = [];
    for (const trip of plan.trips) {
      for (const [i, stop] of trip.stops.entries()) {
        const chief: Actor = { userId: 'chief', role: 'coordinator', corridorIds: [stop.corridorId], communityIds: [] };
        const gate = await gateView({ db: database.db, audit: undefined }, chief, stop.corridorId);
        const shown = gate.wastePickups.find((w) => w.stopId === stop.id);
        expect(shown, `stop ${stop.id} at its gate`).toMatchObject({ batchId: `${wasteRoundId}_${trip.id}`, status: 'loaded', plannedStartS: stop.plannedStartS, vehiclePlate: plates.get(trip.vehicleId) });
        expect(shown!.requested.length).toBeGreaterThan(0);
        asked.push(...shown!.requested);
        const recorded = trip.id === light!.id ? { bags: 4, kg: 100 + 10 * i } : trip.id === fine!.id ? { bags: 2, kg: 50 } : null;
        expect(shown!.pickup && { bags: shown!.pickup.bags, kg: shown!.pickup.kg }).toEqual(recorded);
        // Waste bags belong to no household: the doors to check off stay the deliveries'.
        expect(gate.deliveries.flatMap((d) => d.households.flatMap((h) => h.bags))).toEqual([]);
      }
    }
    // The requests of dispatchedWasteRound, as the chiefs asked (the demo's own requests are on the round too).
    expect(asked.filter((a) => a.category === 'close_contact' && a.bags === 40 && a.kg === 900).length).toBeGreaterThan(0);
    const [stop] = light!.stops;
    const other: Actor = { userId: 'other', role: 'coordinator', corridorIds: [fine!.stops.find((s) => s.corridorId !== stop!.corridorId)?.corridorId ?? 'none'], communityIds: [] };
    expect(codeOf(await gateView({ db: database.db, audit: undefined }, other, stop!.corridorId).catch((e: unknown) => e))).toBe('forbidden');
  });

  it('leaves a truck without its disinfection record after a waste trip out of a food round, and plans it again once disinfected', async () => {
    const plan = await readPlan(database.db, wasteRoundId);
    const lastTrip = (vehicleId: string) => plan.trips.filter((t) => t.vehicleId === vehicleId).sort((a, b) => b.tripNo - a.tripNo)[0]!;
    const trucks = [...new Set(plan.trips.map((t) => t.vehicleId))];
    // The truck of interest went out more than once (a plan may also send a second truck).
    const dirty = trucks.find((id) => plan.trips.filter((t) => t.vehicleId === id).length > 1) ?? plan.trips[0]!.vehicleId;
    // A disinfection after an earlier trip only does not count: the last waste trip needs its own.
    const earlier = plan.trips.find((t) => t.vehicleId === dirty && t.tripNo < lastTrip(dirty).tripNo);
    expect(earlier, 'the truck went out more than once').toBeDefined();
    const done = await recordDisinfection(deps(), dispatcher, wasteRoundId, earlier!.id, { agent: 'chlorine 1000 mg/L' });
    expect(done.record).toMatchObject({ vehicleId: dirty, agent: 'chlorine 1000 mg/L', recordedBy: 'dispatcher' });
    // Any other truck of the round is disinfected after its last trip: only `dirty` is awaited.
    for (const id of trucks.filter((t) => t !== dirty)) await recordDisinfection(deps(), dispatcher, wasteRoundId, lastTrip(id).id, { agent: 'chlorine 1000 mg/L' });

    // The day ends: every stop closed, the round completed and the trucks free. Both go back to deliveries
    // (the waste skill alone keeps a truck out of food rounds: dedicated vehicles).
    await database.db.updateTable('round_stops').set({ status: 'delivered' }).where('round_id', '=', wasteRoundId).execute();
    expect((await settleRound(database.db, wasteRoundId))?.status).toBe('completed');
    // The last trip stays on its driver's page, waiting for its disinfection, after the round completed.
    const waiting = (await driverBatches(database.db, lastTrip(dirty).driverId!)).find((b) => b.tripId === lastTrip(dirty).id);
    expect(waiting).toMatchObject({ roundStatus: 'completed', custody: { disinfection: null } });
    for (const id of trucks) {
      const v = await database.db.selectFrom('vehicles').select('skills').where('id', '=', id).executeTakeFirstOrThrow();
      await database.db.updateTable('vehicles').set({ skills: v.skills.filter((s) => s !== 'waste') }).where('id', '=', id).execute();
    }

    const district = await database.db.selectFrom('areas').select('id').where('kind', '=', 'district').executeTakeFirstOrThrow();
    const { round: food } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 500 }, { areaId: district.id, kind: 'food', actor: 'dispatcher' });
    const fleet = (await roundFleet(database.db, food.id, 'food')).map((v) => v.id);
    expect(fleet.length).toBeGreaterThan(0);
    expect(fleet).not.toContain(dirty);
    const planned = (await listSubproblems(database.db, food.id)).flatMap((s) => s.vehicle_ids);
    expect(planned.length).toBeGreaterThan(0);
    expect(planned).not.toContain(dirty);
    // The desk reads why, by the truck's name.
    expect((await proposalView(database.db, food.id)).fleetNotes).toEqual([{ vehicleId: dirty, vehicleName: expect.stringContaining('Waste Truck'), reason: 'awaiting_disinfection' }]);

    const last = await recordDisinfection(deps(), driverOf(lastTrip(dirty).driverId!), wasteRoundId, lastTrip(dirty).id, { agent: 'peracetic acid 0.5%' });
    expect(last.record).toMatchObject({ vehicleId: dirty, recordedBy: driverOf(lastTrip(dirty).driverId!).userId });
    expect((await roundFleet(database.db, food.id, 'food')).map((v) => v.id)).toContain(dirty);
    expect((await proposalView(database.db, food.id)).fleetNotes).toEqual([]);
    // And the next food round plans with it: with the other vans off the road, it is the fleet.
    expect(await failRound(database.db, food.id, 'test: next round', clock)).toBe(true);
    await database.db.updateTable('vehicles').set({ active: false }).where('id', '<>', dirty).execute();
    const { round: next } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 500 }, { areaId: district.id, kind: 'food', actor: 'dispatcher' });
    expect(new Set((await listSubproblems(database.db, next.id)).flatMap((s) => s.vehicle_ids))).toContain(dirty);
  });

});
