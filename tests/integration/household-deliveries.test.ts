/**
 * A resident's next delivery and its ETA (issue #17, item 7): a household on an approved round
 * reads its stop's planned time and its gate's window, timed as the plan validator times the
 * stored plan; once dispatched, the truck; when the van leaves the depot (for the first stop) or the
 * driver reports the stop before delivered, the half-hour window the van is expected in, in the page's GET and pushed to that household's scope
 * only (`delivery.eta`); the household served first hears nothing of it, and another household's
 * resident may not read it. Real round tables, real sockets.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchId, scope, type Envelope, type LiveEventOf } from '../../src/contracts/events';
import type { Actor } from '../../src/domain/access';
import { roundSecondsAt } from '../../src/domain/gate-hours';
import { householdDeliveries } from '../../src/services/deliveries/household-deliveries.service';
import { recordTripDeparture } from '../../src/services/deliveries/trip-departure.service';
import { ManualClock } from '../../src/shared/clock';
import { dispatchRound } from '../../src/services/rounds/round.service';
import { isAppError } from '../../src/shared/errors';
import type { Db } from '../../src/store/db';
import { caughtUp, liveFixture, request, until, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let url: string;
let roundId: string;
let stops: [string, string];
let needs: [string, string];
let driver: LiveClient;
let driverToken: string;
let home1: LiveClient;
let home2: LiveClient;

const resident = (householdId: string): Actor => ({ userId: `resident-${householdId.slice(0, 8)}`, role: 'resident', householdId, corridorIds: [], communityIds: [] });
const read = (householdId: string, actor = resident(householdId)) => householdDeliveries({ db: f.database.db, audit: undefined }, actor, householdId);
const ofType = <T extends Envelope['event']['type']>(c: LiveClient, type: T) => c.received.filter((e) => e.event.type === type).map((e) => e.event as LiveEventOf<T>);

/** Stop 1 at corridor 1 (household 1), stop 2 at corridor 2 (household 2) about 1.1 km north; corridor 2 receives 09:00-11:00. */
async function seedApprovedTrip(): Promise<void> {
  const db = f.database.db as unknown as Db;
  const [c1, c2] = f.grid.corridors;
  const [h1, h2] = f.grid.households;
  await sql`update areas set lat = 31.2, lon = 121.4 where id = ${c1}`.execute(db);
  await sql`update areas set lat = 31.21, lon = 121.4, receiving_from_min = ${9 * 60}, receiving_until_min = ${11 * 60} where id = ${c2}`.execute(db);
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0]!;
  const depot = (await one(sql<{ id: string }>`select depot_id as id from drivers where id = ${f.grid.drivers[0]}`)).id;
  const vehicle = (await one(sql<{ id: string }>`insert into vehicles (depot_id, name, plate, capacity) values (${depot}, 'Van 7', '沪A·70007', '{"bags": 40}') returning id`)).id;
  roundId = (await one(sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by) values (${f.grid.community}, 'food', 'approved', 1000, 'test') returning id`)).id;
  await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s, driver_id)
    values (${roundId}, 't1', ${vehicle}, ${depot}, 1, 's1', 5000, 2000, ${f.grid.drivers[0]})`.execute(db);
  const stop = async (seq: number, corridor: string, startS: number) =>
    (await one(sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s) values (${roundId}, 't1', ${seq}, ${corridor}, ${startS}) returning id::text as id`)).id;
  stops = [await stop(1, c1, 600), await stop(2, c2, 1500)];
  const ids: string[] = [];
  for (const [i, [household, corridor, stopId]] of ([[h1, c1, stops[0]], [h2, c2, stops[1]]] as const).entries()) {
    const need = (await one(sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
      values (${household}, ${corridor}, ${f.grid.community}, 'food_package', ${'k' + i}, '{}', 'planned', 'test') returning id`)).id;
    await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${roundId}, ${`bag-${i}`}, ${stopId}::bigint, ${need}, 'food_package')`.execute(db);
    ids.push(need);
  }
  needs = [ids[0]!, ids[1]!];
}

beforeAll(async () => {
  f = await liveFixture('hh_deliveries');
  ({ url } = await f.startServer());
  await seedApprovedTrip();
  const [h1, h2] = f.grid.households;
  home1 = await f.connect(url, await f.login('resident', { householdId: h1 }));
  home2 = await f.connect(url, await f.login('resident', { householdId: h2 }));
  expect(await request(home1, 'subscribe', { scope: scope.household(h1) })).toMatchObject({ ok: true });
  expect(await request(home2, 'subscribe', { scope: scope.household(h2) })).toMatchObject({ ok: true });
});

afterAll(async () => {
  await f?.close();
});

describe('a resident\'s next delivery', () => {
  it('on an approved round: the planned time within the gate\'s window, the truck, no ETA yet', async () => {
    const { shiftStartMin, deliveries } = await read(f.grid.households[1]);
    expect(shiftStartMin).toBe(8 * 60);
    expect(deliveries).toHaveLength(1);
    const [d] = deliveries;
    expect(d).toMatchObject({ needId: needs[1], kind: 'food_package', needStatus: 'planned', onTheRoad: false, gate: 'corridor-x', vehiclePlate: '沪A·70007', eta: null });
    // The validator's timing: the van waits for the gate to open at 09:00, and serves within its window.
    expect(d!.window).toEqual({ fromS: roundSecondsAt(9 * 60), untilS: roundSecondsAt(11 * 60) });
    expect(d!.plannedS).toBeGreaterThanOrEqual(roundSecondsAt(9 * 60));
    expect(d!.plannedS).toBeLessThanOrEqual(roundSecondsAt(11 * 60));
    // Nothing in the answer names what is in the bags or another household.
    expect(JSON.stringify(deliveries)).not.toMatch(new RegExp(`bag-|${f.grid.households[0]}|${needs[0]}`));
  });

  it('another household\'s resident may not read it', async () => {
    const refused = await read(f.grid.households[1], resident(f.grid.households[0])).catch((e: unknown) => e);
    expect(isAppError(refused) && [refused.code, refused.status]).toEqual(['forbidden', 403]);
    const unknown = await read('00000000-0000-4000-8000-000000000000', resident(f.grid.households[0])).catch((e: unknown) => e);
    expect(isAppError(unknown) && unknown.status).toBe(404);
  });

  it('dispatched: on the road, still no ETA until the van leaves the stop before', async () => {
    await dispatchRound(f.database.db, roundId, 'dispatcher-1');
    const [d] = (await read(f.grid.households[1])).deliveries;
    expect(d).toMatchObject({ needStatus: 'out_for_delivery', onTheRoad: true, eta: null });
  });

  it('the van leaves the depot: the first stop\'s household gets its window, the second none yet', async () => {
    const clock = new ManualClock('2026-11-23T09:50:00Z');
    const deps = { db: f.database.db, clock, audit: undefined, publisher: f.publisher(clock) };
    driverToken = await f.login('driver', { driverId: f.grid.drivers[0] });
    const driverActor = (await f.auth.authenticateToken(driverToken))!;
    await recordTripDeparture(deps, driverActor, roundId, 't1', {});
    // The depot stands at stop 1's gate (31.2, 121.4): expected at 09:50, so the window is 09:30-10:00.
    const window = { from: '2026-11-23T09:30:00.000Z', until: '2026-11-23T10:00:00.000Z' };
    await until(() => ofType(home1, 'delivery.eta').length === 1, 5000, 'the ETA at household 1');
    expect(ofType(home1, 'delivery.eta')[0]).toEqual({ type: 'delivery.eta', batchId: batchId(roundId, 't1'), stopId: stops[0], ...window });
    expect((await read(f.grid.households[0])).deliveries[0]).toMatchObject({ needId: needs[0], eta: window });
    expect((await read(f.grid.households[1])).deliveries[0]).toMatchObject({ needId: needs[1], eta: null });
  });

  it('after the stop before is delivered, the ETA window appears, pushed to that household only', async () => {
    driver = await f.connect(url, driverToken);
    const batch = batchId(roundId, 't1');
    // At 10:00 (the tracking clock) the van leaves stop 1: about 1,112 m x 1.3 at 20 km/h, 260 s to stop 2 (10:04:20).
    expect(await request(driver, 'driver:stop', { outcome: 'delivered', batchId: batch, stopId: stops[0], bagIds: ['bag-0'] })).toEqual({ ok: true });
    const window = { from: '2026-11-23T09:45:00.000Z', until: '2026-11-23T10:15:00.000Z' };
    await until(() => ofType(home2, 'delivery.eta').length === 1, 5000, 'the ETA at household 2');
    expect(ofType(home2, 'delivery.eta')[0]).toEqual({ type: 'delivery.eta', batchId: batch, stopId: stops[1], ...window });
    const [d] = (await read(f.grid.households[1])).deliveries;
    expect(d).toMatchObject({ needId: needs[1], onTheRoad: true, eta: window });
    // Household 1 was served at stop 1: nothing left to deliver, and no word of household 2's van.
    expect((await read(f.grid.households[0])).deliveries).toEqual([]);
    await caughtUp(f.publisher(), [[home1, scope.household(f.grid.households[0])]]);
    expect(ofType(home1, 'stop.delivered')).toHaveLength(1);
    expect(ofType(home1, 'delivery.eta')).toHaveLength(1); // the departure's, before
  });

  it('a later position moves the ETA in the page', async () => {
    // 10:20, half-way there: 556 m x 1.3 at 20 km/h, 130 s: 10:22:10, so the window is 10:00-10:30.
    expect(await request(driver, 'driver:position', { batchId: batchId(roundId, 't1'), lat: 31.205, lon: 121.4, at: '2026-11-23T10:20:00.000Z' })).toEqual({ ok: true });
    const [d] = (await read(f.grid.households[1])).deliveries;
    expect(d!.eta).toEqual({ from: '2026-11-23T10:00:00.000Z', until: '2026-11-23T10:30:00.000Z' });
  });
});
