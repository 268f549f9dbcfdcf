/**
 * The handover at the gate: dispatch gives every stop a 6-digit code that only the driver's batch
 * shows; the coordinator confirms a stop with it (stop and needs delivered, live events to the
 * corridor and the household), wrong codes are refused and counted until the stop takes no more;
 * a failed door fails that household's needs with its reason, and the last one closes the stop.
 * Dispatch tells the driver's batch scope, with its events stored in the dispatch's transaction.
 * Real PostgreSQL schema, real Redis stream and sockets.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchId, scope, type Envelope, type LiveEventOf } from '../../src/contracts/events';
import type { Actor } from '../../src/domain/access';
import { isAppError } from '../../src/shared/errors';
import { systemClock } from '../../src/shared/clock';
import { driverBatches } from '../../src/services/deliveries/driver-batches.service';
import { confirmHandoff, failHousehold, MAX_HANDOFF_ATTEMPTS, type HandoffDeps } from '../../src/services/deliveries/gate-handoff.service';
import { gateDeliveries } from '../../src/services/deliveries/gate-deliveries.service';
import { dispatchAndAnnounce } from '../../src/services/rounds/round-dispatched';
import { relayNeedStatusOnce } from '../../src/services/needs/need-status-relay.service';
import { liveFixture, logger, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';
import type { Db } from '../../src/store/db';
import { eventsSince } from '../../src/store/event.repository';

let f: LiveFixture;
let deps: HandoffDeps;
let coordinator: Actor;
let gate: LiveClient;
let home: LiveClient;
let roundId: string;
let url: string;
/** Stop 1: households A and B; stop 2: household A; stop 3: household A (for wrong codes). */
let stops: [string, string, string];
let households: [string, string];
let needs: Record<string, string>;

const ofType = <T extends Envelope['event']['type']>(c: LiveClient, type: T) => c.received.filter((e) => e.event.type === type).map((e) => e.event as LiveEventOf<T>);
const codeOf = async (stopId: string) => {
  const batches = await driverBatches(f.database.db, f.grid.drivers[0]);
  return batches.flatMap((b) => b.stops).find((s) => s.stopId === stopId)?.handoffCode ?? null;
};
const needStatus = async (id: string) => (await sql<{ status: string; failure_reason: string | null }>`select status, failure_reason from needs where id = ${id}`.execute(f.database.db)).rows[0];
async function refusal(p: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, status: err.status };
    throw err;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  f = await liveFixture('handoff');
  const db = f.database.db as unknown as Db;
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0]!;
  const [c1] = f.grid.corridors;
  const [h1] = f.grid.households;
  const h2 = (await one(sql<{ id: string }>`insert into households (corridor_id, community_id, address, members, lat, lon) values (${c1}, ${f.grid.community}, 'B', 1, 31.2, 121.4) returning id`)).id;
  households = [h1, h2];
  const depot = (await one(sql<{ id: string }>`select depot_id as id from drivers limit 1`)).id;
  const vehicle = (await one(sql<{ id: string }>`insert into vehicles (depot_id, name, capacity) values (${depot}, 'van', '{"bags": 40}') returning id`)).id;
  roundId = (await one(sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by) values (${f.grid.community}, 'food', 'approved', 1000, 'test') returning id`)).id;
  await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s, driver_id)
    values (${roundId}, 't1', ${vehicle}, ${depot}, 1, 's1', 0, 0, ${f.grid.drivers[0]})`.execute(db);
  const stop = async (seq: number) => (await one(sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s) values (${roundId}, 't1', ${seq}, ${c1}, ${seq * 600}) returning id::text as id`)).id;
  stops = [await stop(1), await stop(2), await stop(3)];
  needs = {};
  for (const [key, household, stopId, kind] of [['a1', h1, stops[0], 'food_package'], ['b1', h2, stops[0], 'gas'], ['a2', h1, stops[1], 'gas'], ['a3', h1, stops[2], 'rice']] as const) {
    const need = (await one(sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
      values (${household}, ${c1}, ${f.grid.community}, ${kind}, ${key}, '{}', 'planned', 'test') returning id`)).id;
    await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${roundId}, ${key}, ${stopId}::bigint, ${need}, ${kind})`.execute(db);
    needs[key] = need;
  }
  const publisher = f.publisher();
  // A process that dies right after the dispatch commits: nothing it would send afterwards goes out.
  const dying = { ...publisher, release: () => Promise.reject(new Error('died')) };
  await expect(dispatchAndAnnounce({ db: f.database.db, publisher: dying }, roundId, 'dispatcher-1')).rejects.toThrow('died');

  deps = { db: f.database.db, audit: undefined, publisher, clock: systemClock };
  coordinator = { userId: 'coord-1', role: 'coordinator', corridorIds: [c1], communityIds: [] };
  ({ url } = await f.startServer());
  gate = await f.connect(url, await f.login('coordinator', { corridorIds: [c1] }));
  home = await f.connect(url, await f.login('resident', { householdId: h2 }));
  await request(gate, 'subscribe', { scope: scope.corridor(c1) });
  await request(home, 'subscribe', { scope: scope.household(h2) });
  await waitUntilServing(publisher, gate, scope.corridor(c1));
});

afterAll(async () => {
  await f?.close();
});

describe('handoff at the gate', () => {
  it('dispatch gives each stop its own 6-digit code, on the driver batch and never on the gate list', async () => {
    const codes = await Promise.all(stops.map(codeOf));
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    const deliveries = await gateDeliveries({ db: f.database.db, audit: undefined }, coordinator, f.grid.corridors[0]);
    expect(deliveries).toHaveLength(3);
    expect(JSON.stringify(deliveries)).not.toContain('handoff');
  });

  it('round.dispatched reaches the driver\'s batch scope and the driver\'s own, though the dispatching process died before sending it', async () => {
    const driver = await f.connect(url, await f.login('driver', { driverId: f.grid.drivers[0] }));
    const batch = batchId(roundId, 't1');
    // Stored with the dispatch: the driver's page gets it on its resume.
    const resumed = async (s: string) => ((await request(driver, 'resume', { scope: s, sinceSeq: 0 })) as { events: Envelope[] }).events.map((e) => e.event);
    expect(await resumed(scope.batch(batch))).toEqual([{ type: 'round.dispatched', roundId, batchIds: [batch] }]);
    expect(await resumed(scope.driver(f.grid.drivers[0]))).toEqual([{ type: 'driver.batches_changed', driverId: f.grid.drivers[0], cause: 'round_dispatched', roundId, batchIds: [batch] }]);
  });

  it('the right code delivers the stop and its needs, and the corridor and household hear it', async () => {
    const code = (await codeOf(stops[0]))!;
    expect(await confirmHandoff(deps, coordinator, f.grid.corridors[0], stops[0], code)).toEqual({ status: 'delivered' });
    expect(await confirmHandoff(deps, coordinator, f.grid.corridors[0], stops[0], code)).toEqual({ status: 'delivered' }); // a retried confirmation
    expect((await needStatus(needs.a1!))?.status).toBe('delivered');
    expect((await needStatus(needs.b1!))?.status).toBe('delivered');
    await until(() => ofType(gate, 'stop.delivered').length === 1, 3000, 'stop delivered at the gate');
    expect(ofType(gate, 'stop.delivered')[0]).toMatchObject({ stopId: stops[0], bagCount: 2 });
    // Need statuses go out through the relay, from what committed.
    while ((await relayNeedStatusOnce({ db: f.database.db, publisher: f.publisher(), logger })) > 0);
    await until(() => ofType(home, 'need.status_changed').some((e) => e.needId === needs.b1 && e.status === 'delivered'), 3000, 'need delivered at home');
    expect(ofType(home, 'need.status_changed').find((e) => e.needId === needs.b1 && e.status === 'delivered')).toEqual({
      type: 'need.status_changed', needId: needs.b1, householdId: households[1], status: 'delivered', previousStatus: 'out_for_delivery', kind: 'gas',
    });
    const round = await sql<{ status: string }>`select status from rounds where id = ${roundId}`.execute(f.database.db);
    expect(round.rows[0]?.status).toBe('in_progress');
  });

  it('wrong codes are refused (422) and counted; after the limit even the right code is refused', async () => {
    const right = (await codeOf(stops[2]))!;
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < MAX_HANDOFF_ATTEMPTS; i++) expect(await refusal(confirmHandoff(deps, coordinator, f.grid.corridors[0], stops[2], wrong))).toEqual({ code: 'validation', status: 422 });
    expect(await refusal(confirmHandoff(deps, coordinator, f.grid.corridors[0], stops[2], right))).toEqual({ code: 'rate_limited', status: 429 });
    expect((await needStatus(needs.a3!))?.status).toBe('out_for_delivery');
  });

  it('another corridor\'s coordinator is refused, and a stop is only found at its own corridor', async () => {
    const other: Actor = { userId: 'coord-2', role: 'coordinator', corridorIds: [f.grid.corridors[1]], communityIds: [] };
    expect(await refusal(confirmHandoff(deps, other, f.grid.corridors[0], stops[1], '123456'))).toEqual({ code: 'forbidden', status: 403 });
    const dispatcher: Actor = { userId: 'disp', role: 'dispatcher', corridorIds: [], communityIds: [] };
    expect(await refusal(confirmHandoff(deps, dispatcher, f.grid.corridors[1], stops[1], '123456'))).toEqual({ code: 'not_found', status: 404 });
  });

  it('a failed door fails that household\'s needs with the reason; the last household closes the stop as failed', async () => {
    expect(await failHousehold(deps, coordinator, f.grid.corridors[0], stops[1], households[0], 'no_answer')).toEqual({ failed: 1 });
    expect(await needStatus(needs.a2!)).toEqual({ status: 'failed', failure_reason: 'no_answer' });
    const stop = await sql<{ status: string }>`select status from round_stops where id = ${stops[1]}::bigint`.execute(f.database.db);
    expect(stop.rows[0]?.status).toBe('failed');
    await until(() => ofType(gate, 'stop.failed').length === 1, 3000, 'stop failed at the gate');
    expect(ofType(gate, 'stop.failed')[0]).toMatchObject({ stopId: stops[1], reason: 'no_answer', bagCount: 1 });
    while ((await relayNeedStatusOnce({ db: f.database.db, publisher: f.publisher(), logger })) > 0);
    await until(() => ofType(gate, 'need.status_changed').some((e) => e.needId === needs.a2 && e.status === 'failed'), 3000, 'need failed at the gate');
    expect(ofType(gate, 'need.status_changed').find((e) => e.needId === needs.a2 && e.status === 'failed')).toMatchObject({ status: 'failed', reason: 'no_answer', kind: 'gas' });
    // Again: nothing left to fail; a household without bags at the stop is not found.
    expect(await failHousehold(deps, coordinator, f.grid.corridors[0], stops[1], households[0], 'no_answer')).toEqual({ failed: 0 });
    expect(await refusal(failHousehold(deps, coordinator, f.grid.corridors[0], stops[1], households[1], 'refused'))).toEqual({ code: 'not_found', status: 404 });
  });

  it('a stop closed at the gate is never without its event, even when the process dies before telling anyone', async () => {
    // A process that dies right after the commit: nothing it would send afterwards goes out.
    const dying: HandoffDeps = { ...deps, publisher: { ...deps.publisher!, publish: () => Promise.reject(new Error('died')), release: () => Promise.reject(new Error('died')) } };
    const db = f.database.db as unknown as Db;
    const [c1] = f.grid.corridors;
    const newStop = async (seq: number, key: string) => {
      const id = (await sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s, status, handoff_code)
        values (${roundId}, 't1', ${seq}, ${c1}, ${seq * 600}, 'loaded', '424242') returning id::text as id`.execute(db)).rows[0]!.id;
      const need = (await sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
        values (${households[0]}, ${c1}, ${f.grid.community}, 'gas', ${key}, '{}', 'out_for_delivery', 'test') returning id`.execute(db)).rows[0]!.id;
      await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${roundId}, ${key}, ${id}::bigint, ${need}, 'gas')`.execute(db);
      return id;
    };
    const [handedOver, failed] = [await newStop(4, 'd4'), await newStop(5, 'd5')];
    await confirmHandoff(dying, coordinator, c1, handedOver, '424242').catch(() => undefined);
    await failHousehold(dying, coordinator, c1, failed, households[0], 'refused').catch(() => undefined);
    const stored = (await eventsSince(f.database.db, scope.corridor(c1), 0, 1000)).map((e) => e.event as { type: string; stopId?: string });
    for (const [stopId, type] of [[handedOver, 'stop.delivered'], [failed, 'stop.failed']] as const) {
      expect((await sql<{ status: string }>`select status from round_stops where id = ${stopId}::bigint`.execute(db)).rows[0]?.status).toBe(type === 'stop.delivered' ? 'delivered' : 'failed');
      // Stored with the stop: the gate's socket gets it on its next resume.
      expect(stored.filter((e) => e.type === type && e.stopId === stopId)).toHaveLength(1);
    }
  });
});
