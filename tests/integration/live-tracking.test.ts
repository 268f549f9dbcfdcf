/**
 * Drivers report over the socket: positions become ETAs of the stops left, pushed to the batch,
 * the dispatch desk and the corridors still waiting; stop outcomes are stored on the round's stops
 * and pushed to the households served. Real round tables, real sockets.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchId, scope, type Envelope, type LiveEventOf } from '../../src/contracts/events';
import { caughtUp, liveFixture, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';
import type { Db } from '../../src/store/db';
import { systemClock } from '../../src/shared/clock';
import { createDriverTracking } from '../../src/services/live-status/live-tracking.service';
import { createTripTrackingStore } from '../../src/services/live-status/live-directory.service';
import { eventsSince } from '../../src/store/event.repository';

let f: LiveFixture;
let url: string;
let batch: string;
let stops: [string, string];
let bags: string[];

const ofType = <T extends Envelope['event']['type']>(c: LiveClient, type: T, s?: string) =>
  c.received.filter((e) => e.event.type === type && (!s || e.scope === s)).map((e) => e.event as LiveEventOf<T>);

async function seedTrip(): Promise<void> {
  const db = f.database.db as unknown as Db;
  const [c1, c2] = f.grid.corridors;
  const [h1, h2] = f.grid.households;
  // Stop 1 at corridor 1 (31.200, 121.400), stop 2 at corridor 2, 0.01 degrees further north.
  await sql`update areas set lat = 31.2, lon = 121.4 where id = ${c1}`.execute(db);
  await sql`update areas set lat = 31.21, lon = 121.4 where id = ${c2}`.execute(db);
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0]!;
  const depot = (await one(sql<{ id: string }>`select depot_id as id from drivers limit 1`)).id;
  const vehicle = (await one(sql<{ id: string }>`insert into vehicles (depot_id, name, capacity) values (${depot}, 'van', '{"bags": 40}') returning id`)).id;
  const round = (await one(sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by) values (${f.grid.community}, 'food', 'dispatched', 1000, 'test') returning id`)).id;
  // Dispatched to driver 1 (round_trips.driver_id is what the live batch check reads).
  await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s, driver_id)
    values (${round}, 'sp1-t1', ${vehicle}, ${depot}, 1, 'sp1', 5000, 2000, ${f.grid.drivers[0]})`.execute(db);
  const stop = async (seq: number, corridor: string, startS: number) =>
    (await one(sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s) values (${round}, 'sp1-t1', ${seq}, ${corridor}, ${startS}) returning id::text as id`)).id;
  stops = [await stop(1, c1, 600), await stop(2, c2, 1500)];
  bags = [];
  for (const [i, [household, corridor, stopId]] of ([[h1, c1, stops[0]], [h2, c2, stops[1]]] as const).entries()) {
    const need = (await one(sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
      values (${household}, ${corridor}, ${f.grid.community}, 'food_package', ${'k' + i}, '{}', 'out_for_delivery', 'test') returning id`)).id;
    for (let b = 1; b <= 2; b++) {
      await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${round}, ${`${need}-${b}`}, ${stopId}::bigint, ${need}, 'food_package')`.execute(db);
      if (i === 0) bags.push(`${need}-${b}`);
    }
  }
  batch = batchId(round, 'sp1-t1');
}

let driver: LiveClient;
let coordinator1: LiveClient;
let coordinator2: LiveClient;
let resident1: LiveClient;
let desk: LiveClient;

beforeAll(async () => {
  f = await liveFixture('track');
  ({ url } = await f.startServer());
  await seedTrip();
  const [d1] = f.grid.drivers;
  driver = await f.connect(url, await f.login('driver', { driverId: d1 }));
  expect(await request(driver, 'subscribe', { scope: scope.batch(batch) })).toMatchObject({ ok: true });
  desk = await f.connect(url, await f.login('dispatcher'));
  await request(desk, 'subscribe', { scope: 'dispatch' });
  await waitUntilServing(f.publisher(), desk, 'dispatch');
  coordinator1 = await f.connect(url, await f.login('coordinator', { corridorIds: [f.grid.corridors[0]] }));
  coordinator2 = await f.connect(url, await f.login('coordinator', { corridorIds: [f.grid.corridors[1]] }));
  resident1 = await f.connect(url, await f.login('resident', { householdId: f.grid.households[0] }));
  await request(coordinator1, 'subscribe', { scope: scope.corridor(f.grid.corridors[0]) });
  await request(coordinator2, 'subscribe', { scope: scope.corridor(f.grid.corridors[1]) });
  await request(resident1, 'subscribe', { scope: scope.household(f.grid.households[0]) });
});

afterAll(async () => {
  await f?.close();
});

describe('driver reports', () => {
  it('a position becomes ETAs of the remaining stops, for the batch, the desk and the waiting corridors', async () => {
    const at = '2026-11-23T10:00:00.000Z';
    // 0.01 degrees (about 1,112 m) south of stop 1.
    expect(await request(driver, 'driver:position', { batchId: batch, lat: 31.19, lon: 121.4, at })).toEqual({ ok: true });
    await until(() => ofType(coordinator2, 'vehicle.position').length === 1, 3000, 'position at corridor 2');
    for (const c of [driver, desk, coordinator1]) await until(() => ofType(c, 'vehicle.position').length === 1, 3000, 'position');
    const position = ofType(coordinator1, 'vehicle.position')[0]!;
    expect(position.etas.map((e) => e.stopId)).toEqual(stops);
    // 1,112 m x 1.3 (road detour) at 20 km/h: about 260 s; stop 2 keeps the plan's 900 s spacing.
    const first = (Date.parse(position.etas[0]!.eta) - Date.parse(at)) / 1000;
    expect(first).toBeGreaterThan(255);
    expect(first).toBeLessThan(265);
    expect(Date.parse(position.etas[1]!.eta) - Date.parse(position.etas[0]!.eta)).toBe(900_000);
    expect(ofType(resident1, 'vehicle.position')).toEqual([]);
  });

  it('a delivery is stored, pushed to the household served, and not repeated when reported twice', async () => {
    const report = { outcome: 'delivered', batchId: batch, stopId: stops[0], bagIds: bags };
    expect(await request(driver, 'driver:stop', report)).toEqual({ ok: true });
    expect(await request(driver, 'driver:stop', report)).toEqual({ ok: true });
    await caughtUp(f.publisher(), [[resident1, scope.household(f.grid.households[0])]]);
    expect(ofType(resident1, 'stop.delivered')).toHaveLength(1);
    expect(ofType(resident1, 'stop.delivered')[0]).toMatchObject({ stopId: stops[0], bagIds: bags, bagCount: 2 });
    expect(ofType(coordinator2, 'stop.delivered')).toEqual([]);
    const row = await sql<{ status: string }>`select status from round_stops where id = ${stops[0]}::bigint`.execute(f.database.db);
    expect(row.rows[0]?.status).toBe('delivered');
    // Carried over at once: the round is under way and the stop's need is delivered.
    const round = batch.slice(0, 36);
    const state = await sql<{ round: string; need: string }>`
      select r.status as round, n.status as need from rounds r, round_bags b join needs n on n.id = b.need_id
      where r.id = ${round} and b.stop_id = ${stops[0]}::bigint limit 1`.execute(f.database.db);
    expect(state.rows[0]).toEqual({ round: 'in_progress', need: 'delivered' });
  });

  it('after that stop, positions reach only the corridors still waiting', async () => {
    const before1 = ofType(coordinator1, 'vehicle.position').length;
    expect(await request(driver, 'driver:position', { batchId: batch, lat: 31.205, lon: 121.4 })).toEqual({ ok: true });
    await until(() => ofType(coordinator2, 'vehicle.position').length === 2, 3000, 'second position');
    expect(ofType(coordinator2, 'vehicle.position')[1]!.etas.map((e) => e.stopId)).toEqual([stops[1]]);
    await caughtUp(f.publisher(), [[coordinator1, scope.corridor(f.grid.corridors[0])]]);
    expect(ofType(coordinator1, 'vehicle.position')).toHaveLength(before1);
  });

  it('a failed stop carries a reason from the closed list, never free text', async () => {
    expect(await request(driver, 'driver:stop', { outcome: 'failed', batchId: batch, stopId: stops[1], reason: 'patient in hospital' })).toEqual({ ok: false, error: 'invalid' });
    expect(await request(driver, 'driver:stop', { outcome: 'failed', batchId: batch, stopId: stops[1], reason: 'no_answer' })).toEqual({ ok: true });
    await until(() => ofType(coordinator2, 'stop.failed').length === 1, 3000, 'failure at corridor 2');
    expect(ofType(coordinator2, 'stop.failed')[0]).toMatchObject({ reason: 'no_answer', bagCount: 2 });
  });

  it('only the assigned driver reports for a batch', async () => {
    const other = await f.connect(url, await f.login('driver', { driverId: f.grid.drivers[1] }));
    expect(await request(other, 'driver:position', { batchId: batch, lat: 31.2, lon: 121.4 })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(other, 'subscribe', { scope: scope.batch(batch) })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(desk, 'driver:position', { batchId: batch, lat: 31.2, lon: 121.4 })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(driver, 'driver:position', { batchId: 'not-a-batch', lat: 31.2, lon: 121.4 })).toEqual({ ok: false, error: 'not_found' });
  });

  it('a stop the driver closes is never without its event, even when the process dies before telling anyone', async () => {
    const db = f.database.db as unknown as Db;
    const [, c2] = f.grid.corridors;
    const round = batch.slice(0, 36);
    const stopId = (await sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s) values (${round}, 'sp1-t1', 3, ${c2}, 2400) returning id::text as id`.execute(db)).rows[0]!.id;
    // A process that dies right after the commit: nothing it would send afterwards goes out.
    const publisher = f.publisher();
    const dying = createDriverTracking({
      store: createTripTrackingStore(f.database.db), clock: systemClock,
      publisher: { ...publisher, publish: () => Promise.reject(new Error('died')), release: () => Promise.reject(new Error('died')) },
    });
    const actor = { userId: 'driver-1', role: 'driver' as const, driverId: f.grid.drivers[0], corridorIds: [], communityIds: [] };
    await dying.reportStop(actor, { outcome: 'delivered', batchId: batch, stopId, bagIds: [] }).catch(() => undefined);
    expect((await sql<{ status: string }>`select status from round_stops where id = ${stopId}::bigint`.execute(db)).rows[0]?.status).toBe('delivered');
    // Stored with the stop: the corridor's sockets get it on their next resume.
    const stored = (await eventsSince(f.database.db, scope.corridor(c2), 0, 1000)).map((e) => e.event as { type: string; stopId?: string });
    expect(stored.filter((e) => e.type === 'stop.delivered' && e.stopId === stopId)).toHaveLength(1);
  });
});
