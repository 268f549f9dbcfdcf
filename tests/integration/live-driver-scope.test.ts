/**
 * A driver's own scope (`driver:<driverId>`): dispatching a round and inserting an urgent stop each
 * push `driver.batches_changed` to the drivers whose batches changed, and to nobody else; a driver
 * cannot subscribe to another driver's scope (refused and audited). Real Socket.IO, Redis stream,
 * PostgreSQL event store and round tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope, type LiveEventOf } from '../../src/contracts/events';
import { insertUrgentAndNotify } from '../../src/services/deliveries/driver-events';
import { driverBatches } from '../../src/services/deliveries/driver-batches.service';
import { createAuditService } from '../../src/services/access/audit.service';
import type { LivePublisher } from '../../src/services/live-status/live.service';
import { dispatchAndAnnounce } from '../../src/services/rounds/round-dispatched';
import { urgentAlert } from '../../src/services/rounds/round-events.service';
import { eventsSince } from '../../src/store/event.repository';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { approveRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { systemClock } from '../../src/shared/clock';
import { listSubproblems } from '../../src/store/round.repository';
import { drivenTrips, driverOfTrip } from '../../src/store/round-plan.repository';
import { seedDistrict, type District } from './round.fixtures';
import { caughtUp, liveFixture, request, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let url: string;
let publisher: LivePublisher;
let district: District;
/** Every driver record of the district and one outside it, each signed in and following their own scope. */
const drivers = new Map<string, { client: LiveClient }>();
let roundId: string;

const changes = (c: LiveClient): (Envelope & { event: LiveEventOf<'driver.batches_changed'> })[] =>
  c.received.filter((e): e is Envelope & { event: LiveEventOf<'driver.batches_changed'> } => e.event.type === 'driver.batches_changed');

beforeAll(async () => {
  f = await liveFixture('driver_scope');
  ({ url } = await f.startServer());
  publisher = f.publisher();
  district = await seedDistrict(f.database, { communities: 2, corridorsPerCommunity: 3, householdsPerCorridor: 3, vehicles: 3, capacityBags: 8 });
  const admin = await f.connect(url, await f.login('admin'));
  await request(admin, 'subscribe', { scope: 'dispatch' });
  await waitUntilServing(publisher, admin, 'dispatch');
  admin.disconnect();

  // Small vans, so every driver of the district gets a trip; plus a driver elsewhere, who gets none.
  const depotDrivers = await f.database.db.selectFrom('drivers').select('id').where('depot_id', '=', district.depotId).orderBy('id').execute();
  for (const id of [...depotDrivers.map((d) => d.id), f.grid.drivers[0]]) {
    const client = await f.connect(url, await f.login('driver', { driverId: id }));
    expect(await request(client, 'subscribe', { scope: scope.driver(id) })).toMatchObject({ ok: true, latestSeq: 0 });
    drivers.set(id, { client });
  }

  const { round } = await startRound({ db: f.database.db, producers: { ready: () => true, addRoundFlow: async () => undefined }, defaultTimeLimitMs: 300 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
  roundId = round.id;
  for (const s of await listSubproblems(f.database.db, roundId)) await solveSubproblem({ db: f.database.db, now: () => performance.now() }, roundId, s.id);
  await mergeRound(f.database.db, roundId);
  await approveRound(f.database.db, roundId, 'd');
}, 60_000);

afterAll(async () => {
  await f?.close();
});

async function emergencyNeed(nth: number): Promise<string> {
  const h = await f.database.db.selectFrom('households').select(['id', 'corridor_id', 'community_id']).where('community_id', '=', district.communityIds[1]!).orderBy('id').offset(nth).limit(1).executeTakeFirstOrThrow();
  const row = await f.database.db.insertInto('needs').values({
    household_id: h.id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'medicine', identity_key: `urgent-${nth}`,
    details: JSON.stringify({ drug: 'x', strength: 'y', quantity: 1, urgency: 'emergency' }), status: 'accepted', urgency: 'emergency',
    cycle: null, failure_reason: null, created_by: 'test',
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Every driver has received all that was published to their scope so far. */
const everyDriverCaughtUp = () => caughtUp(publisher, [...drivers].map(([id, { client }]) => [client, scope.driver(id)] as const));

/** Once every driver has caught up: the trip's driver got `count` changes, nobody else a new one. */
async function expectOnlyFor(driverId: string, count: number, others: Map<string, number>): Promise<void> {
  await everyDriverCaughtUp();
  for (const [id, { client }] of drivers) expect(changes(client).length, id).toBe(id === driverId ? count : others.get(id) ?? 0);
}

describe('driver scope', () => {
  it('a driver cannot subscribe to another driver\'s scope; the refusal is audited', async () => {
    const [mine, theirs] = [...drivers.keys()];
    const me = drivers.get(mine!)!.client;
    expect(await request(me, 'subscribe', { scope: scope.driver(theirs!) })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(me, 'resume', { scope: scope.driver(theirs!), sinceSeq: 0 })).toEqual({ ok: false, error: 'forbidden' });
    const denied = await createAuditService({ db: f.database.db }).list({ action: 'live.subscribe', subjectType: 'driver', subjectId: theirs!, outcome: 'denied' });
    expect(denied).toHaveLength(2);
    // Dispatch and admin see drivers' batches, so they may follow a driver; residents may not.
    const dispatcher = await f.connect(url, await f.login('dispatcher'));
    expect(await request(dispatcher, 'subscribe', { scope: scope.driver(theirs!) })).toMatchObject({ ok: true });
    const resident = await f.connect(url, await f.login('resident', { householdId: f.grid.households[0] }));
    expect(await request(resident, 'subscribe', { scope: scope.driver(theirs!) })).toEqual({ ok: false, error: 'forbidden' });
  });

  it('a dispatched round reaches each of its drivers with their own batches, and nobody else', async () => {
    await dispatchAndAnnounce({ db: f.database.db, publisher }, roundId, 'd');
    const driving = new Set((await drivenTrips(f.database.db, roundId)).map((t) => t.driverId));
    expect(driving.size).toBeGreaterThan(1);
    expect(driving.has(f.grid.drivers[0])).toBe(false);
    await everyDriverCaughtUp();
    for (const [id, { client }] of drivers) {
      // What the driver's page would load: the same batches the event names.
      const visible = (await driverBatches(f.database.db, id)).map((b) => b.batchId).sort();
      const got = changes(client);
      if (visible.length === 0) {
        expect(got, id).toEqual([]);
        continue;
      }
      expect(got).toHaveLength(1);
      expect(got[0]!.scope).toBe(scope.driver(id));
      expect(got[0]!.event).toEqual({ type: 'driver.batches_changed', driverId: id, cause: 'round_dispatched', roundId, batchIds: expect.any(Array) });
      expect([...got[0]!.event.batchIds].sort()).toEqual(visible);
    }
  });

  it('an urgent insertion (worker path and API path) reaches the trip\'s driver only, naming the new stop', async () => {
    const before = new Map([...drivers].map(([id, { client }]) => [id, changes(client).length]));

    for (const [nth, via] of [[0, 'worker'], [1, 'api']] as const) {
      const needId = await emergencyNeed(nth);
      // The worker's insertion also alerts the desk (runtime.ts); the API's callers raise their own alert.
      const outcome = await insertUrgentAndNotify({ db: f.database.db, publisher }, needId, via === 'worker' ? urgentAlert(needId, systemClock) : undefined);
      if (outcome.status !== 'inserted') throw new Error(`not inserted: ${outcome.reason}`);
      const alerts = (await eventsSince(f.database.db, scope.dispatch, 0, 1000)).filter((e) => (e.event as { type: string; subjectId?: string }).type === 'alert.raised' && (e.event as { subjectId?: string }).subjectId === needId);
      expect(alerts, via).toHaveLength(via === 'worker' ? 1 : 0);
      const driverId = (await driverOfTrip(f.database.db, roundId, outcome.tripId))!;
      const expected = before.get(driverId)! + 1;
      await expectOnlyFor(driverId, expected, before);
      before.set(driverId, expected);

      const event = changes(drivers.get(driverId)!.client).at(-1)!.event;
      expect(event).toMatchObject({ cause: 'urgent_inserted', roundId, batchIds: [`${roundId}_${outcome.tripId}`] });
      // The stop it names is the urgent one the driver now loads over HTTP.
      const stops = (await driverBatches(f.database.db, driverId)).flatMap((b) => b.stops);
      expect(stops.find((s) => s.stopId === event.stopId)).toMatchObject({ urgent: true });
      // Ids only: nothing of the need travels.
      expect(Object.keys(event).sort()).toEqual(['batchIds', 'cause', 'driverId', 'roundId', 'stopId', 'type']);
    }
  });

  it('a driver who missed events resumes them from the store in order', async () => {
    const [id, { client }] = [...drivers].find(([, d]) => changes(d.client).length > 0)!;
    const answer = await request(client, 'resume', { scope: scope.driver(id), sinceSeq: 0 });
    if (!answer.ok) throw new Error(`resume refused: ${answer.error}`);
    // Everything the scope got (the tests' markers included), as it came live.
    expect(answer.events.map((e) => e.id)).toEqual(client.received.filter((e) => e.scope === scope.driver(id)).map((e) => e.id));
    expect(answer.events.filter((e) => e.event.type === 'driver.batches_changed').map((e) => e.id)).toEqual(changes(client).map((e) => e.id));
    expect(answer.events.map((e) => e.seq)).toEqual(answer.events.map((_, i) => i + 1));
  });

  it('an urgent stop\'s event reaches its driver though the inserting process died before sending it', async () => {
    // A process that dies right after the insertion commits: nothing it would send afterwards goes out.
    const dying = { ...publisher, release: () => Promise.reject(new Error('died')) };
    const needId = await emergencyNeed(2);
    await expect(insertUrgentAndNotify({ db: f.database.db, publisher: dying }, needId)).rejects.toThrow('died');
    const { tripId } = await f.database.db.selectFrom('round_bags').innerJoin('round_stops', 'round_stops.id', 'round_bags.stop_id')
      .select('round_stops.trip_id as tripId').where('round_bags.need_id', '=', needId).executeTakeFirstOrThrow();
    const driverId = (await driverOfTrip(f.database.db, roundId, tripId))!;
    const { client } = drivers.get(driverId)!;
    const seen = client.received.filter((e) => e.scope === scope.driver(driverId)).map((e) => e.seq);
    // Stored with the stop: the driver's page gets it on its next resume.
    const answer = await request(client, 'resume', { scope: scope.driver(driverId), sinceSeq: Math.max(0, ...seen) });
    if (!answer.ok) throw new Error(`resume refused: ${answer.error}`);
    expect(answer.events.map((e) => e.event)).toEqual([expect.objectContaining({ type: 'driver.batches_changed', cause: 'urgent_inserted', batchIds: [`${roundId}_${tripId}`] })]);
  });
});
