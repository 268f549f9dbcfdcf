/**
 * The emergency path end to end on real PostgreSQL: need > accepted at once > alert to dispatch
 * and community > trip in the driver's batch > done > review closed by community staff, plus
 * isolation (a positive household rides alone), the no-vehicle case and its retry, and the report.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuditService } from '../../src/services/access/audit.service';
import { raiseEmergency, retryWaitingEmergencies } from '../../src/services/emergency/emergency.service';
import { createPassAlerts } from '../../src/services/passes/pass-alerts';
import { startPassLoops } from '../../src/services/passes/pass-sweep.service';
import { inTransportBatch, placesNothing, transportChangesWaiting } from '../../src/services/passes/transport-batch';
import { createLogger } from '../../src/shared/logger';
import { statementRecorder } from './auth.fixture';
import { holdTransportLock, startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;

const { plugin: recorder, statements } = statementRecorder();

beforeAll(async () => {
  w = await startPassWorld('emergency_path', '2026-03-01T06:00:00Z', { plugin: recorder });
});
afterAll(async () => {
  await w?.close();
});

type CaseBody = { id: string; status: string; tripRef: string | null; driverId: string | null; unservedReason: string | null; review: { status: string } };
type Batch = { trips: { id: string; emergency: boolean; stops: { type: string; emergencyId: string | null; goods: boolean; isolated: boolean; lat: number }[] }[] };

const raise = (householdId: string, role: Parameters<PassWorld['json']>[2], body: unknown) =>
  w.json<CaseBody>('POST', `/api/households/${householdId}/emergencies`, role, body);
const batch = async () => (await w.json<Batch>('GET', `/api/drivers/${w.grid.d1}/transport-trips`, 'driver')).body.trips;
const alertsFor = async (id: string) => (await sql<{ scope: string; payload: { kind: string } }>`
  select scope, payload from live_events where type = 'alert.raised' and payload->>'subjectId' = ${id} order by seq, scope`.execute(w.database.db)).rows;

describe('emergency channel', () => {
  it('acute illness: accepted at once, alerted, on a trip in the driver’s batch, done, reviewed', async () => {
    const res = await raise(w.grid.h1, 'resident', { kind: 'acute_illness' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'trip_assigned', driverId: w.grid.d1, review: { status: 'open' } });
    const tripId = res.body.tripRef!.replace('transport:', '');

    const alerts = await alertsFor(res.body.id);
    expect(alerts.map((a) => `${a.payload.kind}@${a.scope}`).sort()).toEqual([
      `emergency_accepted@community:${w.grid.m1}`, 'emergency_accepted@dispatch',
      `emergency_trip_assigned@community:${w.grid.m1}`, 'emergency_trip_assigned@dispatch',
    ]);

    const trip = (await batch()).find((t) => t.id === tripId)!;
    expect(trip.emergency).toBe(true);
    expect(trip.stops.filter((s) => s.emergencyId === res.body.id).map((s) => s.type)).toEqual(['pickup', 'drop']);

    expect((await w.json('POST', `/api/emergencies/${res.body.id}/review`, 'resident', { outcome: 'justified' })).status).toBe(403);
    const done = await w.json<CaseBody>('POST', `/api/emergencies/${res.body.id}/done`, 'driver');
    expect(done.body.status).toBe('done');
    // Sent again (the app's answer was lost): the same done case, written once.
    const again = await w.json<CaseBody & { doneAt: string }>('POST', `/api/emergencies/${res.body.id}/done`, 'driver');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'done', doneAt: (done.body as CaseBody & { doneAt: string }).doneAt });
    const audits = await w.database.db.selectFrom('audit_log').select('id').where('action', '=', 'emergency.done').where('subject_id', '=', res.body.id).execute();
    expect(audits).toHaveLength(1);
    expect((await batch()).find((t) => t.id === tripId)).toBeUndefined(); // trip finished: out of the batch

    const open = await w.json<{ cases: CaseBody[] }>('GET', `/api/emergency-reviews?communityId=${w.grid.m1}`, 'community_staff');
    expect(open.body.cases.map((c) => c.id)).toContain(res.body.id);
    const reviewed = await w.json<CaseBody>('POST', `/api/emergencies/${res.body.id}/review`, 'community_staff', { outcome: 'justified' });
    expect(reviewed.body.review.status).toBe('closed');
    expect((await w.json('POST', `/api/emergencies/${res.body.id}/review`, 'community_staff', { outcome: 'justified' })).status).toBe(409);
  });

  it('emergency medicine without a live round gets a dedicated goods trip; the need is planned, then delivered', async () => {
    const from = statements.length;
    const res = await raise(w.grid.h2, 'coordinator', { kind: 'emergency_medicine', drug: 'Salbutamol', strength: '100mcg', quantity: 1 });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('trip_assigned');
    // The case given its car, its need planned and the need's history: one statement. In the district
    // day an emergency's batch ran its statements one after another, each waiting for a turn of a busy
    // event loop, and these were three of its four (issue #21).
    const caseMoves = statements.slice(from).filter((s) => (s[0] === 'UpdateQueryNode' && s.includes('emergency_cases'))
      || s.some((t) => t.startsWith('sql:') && t.includes('update emergency_cases')));
    expect(caseMoves).toHaveLength(1);
    expect(caseMoves[0]!.join(' ')).toMatch(/update needs n set status = 'planned'[\s\S]*insert into need_status_history/);
    const planned = await sql<{ n: number }>`select count(*)::int as n from need_status_history h join needs n on n.id = h.need_id
      where n.household_id = ${w.grid.h2} and h.to_status = 'planned' and h.actor = 'emergency-planner'`.execute(w.database.db);
    expect(planned.rows[0]!.n).toBe(1);
    const stops = (await batch()).flatMap((t) => t.stops).filter((s) => s.emergencyId === res.body.id);
    expect(stops.map((s) => [s.type, s.goods])).toEqual([['pickup', true], ['drop', true]]);
    const need = await w.database.db.selectFrom('needs').select(['status', 'urgency']).where('household_id', '=', w.grid.h2).executeTakeFirstOrThrow();
    expect(need).toEqual({ status: 'planned', urgency: 'emergency' });
    expect(JSON.stringify(await batch())).not.toContain('Salbutamol');
    await w.json('POST', `/api/emergencies/${res.body.id}/done`, 'driver');
    const after = await w.database.db.selectFrom('needs').select(['id', 'status']).where('household_id', '=', w.grid.h2).executeTakeFirstOrThrow();
    expect(after.status).toBe('delivered');
    const history = await w.database.db.selectFrom('need_status_history').select(['from_status', 'to_status']).where('need_id', '=', after.id).orderBy('id').execute();
    expect(history.slice(-3)).toEqual([
      { from_status: 'accepted', to_status: 'planned' }, { from_status: 'planned', to_status: 'out_for_delivery' }, { from_status: 'out_for_delivery', to_status: 'delivered' },
    ]);
  });

  it('a positive household rides alone, never with goods or other passengers', async () => {
    await w.database.db.updateTable('households').set({ infection_status: 'positive' }).where('id', '=', w.grid.h3).execute();
    const other = await raise(w.grid.h1, 'resident', { kind: 'acute_illness' });
    const isolated = await raise(w.grid.h3, 'community_staff', { kind: 'acute_illness' });
    expect(isolated.body.status).toBe('trip_assigned');
    expect(isolated.body.tripRef).not.toBe(other.body.tripRef);
    const trip = (await batch()).find((t) => `transport:${t.id}` === isolated.body.tripRef)!;
    expect(new Set(trip.stops.map((s) => s.emergencyId))).toEqual(new Set([isolated.body.id]));
    expect(trip.stops.every((s) => s.isolated && !s.goods)).toBe(true);
  });

  it('with no vehicle the case stays accepted as unserved (alerted), and the retry assigns it once one is back', async () => {
    await w.database.db.updateTable('vehicles').set({ active: false }).where('id', '=', w.vehicleId).execute();
    const res = await raise(w.grid.h1, 'resident', { kind: 'acute_illness' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'unserved', unservedReason: 'no-vehicle-with-seats' });
    expect((await alertsFor(res.body.id)).map((a) => a.payload.kind)).toContain('emergency_unserved');
    await w.database.db.updateTable('vehicles').set({ active: true }).where('id', '=', w.vehicleId).execute();
    const logger = createLogger({ level: 'silent' });
    const assigned = await retryWaitingEmergencies({ db: w.database.db, clock: w.clock, audit: createAuditService(w.deps), alerts: createPassAlerts(undefined, logger) });
    expect(assigned).toBe(1);
    expect((await w.json<CaseBody>('GET', `/api/emergencies/${res.body.id}`, 'resident')).body.status).toBe('trip_assigned');
  });

  it('a retried emergency with the same Idempotency-Key gets the same case, not a second trip', async () => {
    const send = () => w.request('POST', `/api/households/${w.grid.h2}/emergencies`, {
      token: w.tokens.coordinator, body: { kind: 'acute_illness' }, headers: { 'idempotency-key': 'sos-h2-0001' },
    });
    const first = await send();
    const again = await send();
    const [a, b] = [(await first.json()) as CaseBody, (await again.json()) as CaseBody];
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(b.id).toBe(a.id);
    expect(b.status).toBe('trip_assigned');
    const legs = await sql<{ n: string }>`select count(*) as n from transport_requests where emergency_id = ${a.id}`.execute(w.database.db);
    expect(Number(legs.rows[0]!.n)).toBe(1);
  });

  it('emergency medicine goes into a live round first when the round planner can insert it (acute illness never does)', async () => {
    const calls: string[] = [];
    const logger = createLogger({ level: 'silent' });
    const R1 = '00000000-0000-4000-8000-0000000000a1'; // a round the fake planner names (no such round: no driver)
    const deps = {
      db: w.database.db, clock: w.clock, audit: createAuditService(w.deps), alerts: createPassAlerts(undefined, logger),
      urgentInsert: async (needId: string) => { calls.push(needId); return { status: 'inserted' as const, roundId: R1, tripId: 't1', seq: 0, dedicatedTrip: false }; },
    };
    const actor = { userId: w.users.dispatcher.id, role: 'dispatcher' as const, corridorIds: [], communityIds: [] };
    const med = await raiseEmergency(deps, actor, w.grid.h1, { kind: 'emergency_medicine', drug: 'Insulin', strength: '100IU', quantity: 1 }, null);
    expect(med.body).toMatchObject({ status: 'trip_assigned', tripRef: `round:${R1}:t1` });
    expect(calls).toHaveLength(1);
    const acute = await raiseEmergency(deps, actor, w.grid.h1, { kind: 'acute_illness' }, null);
    expect(acute.body.tripRef).toMatch(/^transport:/);
    expect(calls).toHaveLength(1);
  });

  it('two dispatchers of the same waiting case (sweeps in two processes) place it on one trip, once', async () => {
    await w.database.db.updateTable('vehicles').set({ active: false }).where('id', '=', w.vehicleId).execute();
    const res = await raise(w.grid.h2, 'coordinator', { kind: 'acute_illness' });
    expect(res.body.status).toBe('unserved');
    await w.database.db.updateTable('vehicles').set({ active: true }).where('id', '=', w.vehicleId).execute();
    const logger = createLogger({ level: 'silent' });
    const deps = { db: w.database.db, clock: w.clock, audit: createAuditService(w.deps), alerts: createPassAlerts(undefined, logger) };
    const results = await Promise.all([retryWaitingEmergencies(deps), retryWaitingEmergencies(deps)]);
    expect(results.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const onTrips = await sql<{ n: string }>`
      select count(*) as n from transport_trips t, jsonb_array_elements(t.stops) s
      where t.status in ('planned', 'in_progress') and s->>'requestId' = (select id::text from transport_requests where emergency_id = ${res.body.id})`.execute(w.database.db);
    expect(Number(onTrips.rows[0]!.n)).toBe(2); // one pickup, one drop, on one trip
  });

  it('reports cases and response times per community and day; residents may not read reports', async () => {
    const report = await w.json<{ days: { communityId: string; day: string; cases: number; assigned: number; done: number; assignP50S: number | null }[] }>(
      'GET', `/api/reports/emergencies?from=2026-03-01&to=2026-03-01`, 'community_staff');
    expect(report.status).toBe(200);
    const m1 = report.body.days.find((d) => d.communityId === w.grid.m1)!;
    expect(m1).toMatchObject({ day: '2026-03-01', cases: 9, assigned: 9, done: 2 });
    expect(m1.assignP50S).toBe(0); // the clock stood still: assignment within the same instant
    expect((await w.json('GET', `/api/reports/emergencies?from=2026-03-01&to=2026-03-01`, 'resident')).status).toBe(403);
    expect((await w.json('GET', `/api/reports/emergencies?from=2026-03-01&to=2026-03-01&communityId=${w.grid.m2}`, 'community_staff')).status).toBe(403);
  });

  it('the emergency loop tries a waiting case again within seconds of a vehicle coming back, not at the minute sweep', async () => {
    await w.database.db.updateTable('vehicles').set({ active: false }).where('id', '=', w.vehicleId).execute();
    const res = await raise(w.grid.h1, 'coordinator', { kind: 'acute_illness' });
    expect(res.body.status).toBe('unserved');
    const stop = startPassLoops({ db: w.database.db, clock: w.clock, logger: createLogger({ level: 'silent' }), intervalMs: 3_600_000, emergencyRetryMs: 100 });
    try {
      await w.database.db.updateTable('vehicles').set({ active: true }).where('id', '=', w.vehicleId).execute();
      await vi.waitFor(async () => expect((await w.json<CaseBody>('GET', `/api/emergencies/${res.body.id}`, 'coordinator')).body.status).toBe('trip_assigned'), { timeout: 20_000, interval: 100 });
    } finally {
      stop();
    }
  });

  it('emergencies that waited for the planning lock together write their legs in one statement and their cases in one', async () => {
    // Before (issue #21) each emergency of a batch wrote its leg and then its case in statements of its
    // own, one after another, while the batch held the lock: in the district day each statement waited
    // a turn of a busy event loop, and a batch of 32 held the lock 13 s (assignment p99 39 s).
    // A day on, so the one van is free of the earlier tests' cases.
    w.clock.advance(24 * 3600_000);
    await w.relogin();
    const lock = await holdTransportLock(w.database.schema);
    const households = [w.grid.h1, w.grid.h2, w.grid.h1, w.grid.h2, w.grid.h1];
    let answers: Promise<{ status: number; body: CaseBody }[]>;
    const from = statements.length;
    try {
      // The first raise's batch takes it alone and waits for the lock; the other four wait for the next.
      answers = Promise.all(households.map((h) => raise(h, 'coordinator', { kind: 'acute_illness' })));
      await vi.waitFor(() => expect(transportChangesWaiting(w.deps.db)).toBe(4), { timeout: 20_000, interval: 20 });
    } finally {
      await lock.release();
    }
    const raised = await answers;
    expect(raised.map((a) => [a.status, a.body.status, a.body.unservedReason])).toEqual(households.map(() => [201, 'trip_assigned', null]));
    const ids = raised.map((a) => a.body.id);
    const mine = statements.slice(from);
    const writes = (table: string, kind: string, raw: string) => mine.filter((s) => (s[0] === kind && s.includes(table)) || s.some((t) => t.startsWith('sql:') && t.includes(raw)));
    // Two batches: the first raise's, then the four that waited; one statement each for their legs, one for their cases.
    expect(writes('transport_requests', 'InsertQueryNode', 'insert into transport_requests')).toHaveLength(2);
    expect(writes('emergency_cases', 'UpdateQueryNode', 'update emergency_cases')).toHaveLength(2);
    // Each batch read the fleet before it took the planning lock, not while holding it.
    const readsFleet = (st: string[]) => st.some((t) => t.includes('from vehicles v'));
    const locks = mine.flatMap((st, i) => (st.some((t) => t.includes('pg_advisory_xact_lock')) ? [i] : []));
    expect(locks).toHaveLength(2);
    // (Two reads name vehicles: the cars of depots without shifts, and of those with.)
    expect([mine.slice(0, locks[0]), mine.slice(locks[0], locks[1]), mine.slice(locks[1])].map((part) => part.filter(readsFleet).length)).toEqual([2, 2, 0]);
    // The four cases of the second batch were moved by one statement of one transaction (one command id).
    const moved = await sql<{ tx: string; cmd: string; n: number }>`select xmin::text as tx, cmin::text as cmd, count(*)::int as n
      from emergency_cases where id = any(${ids}::uuid[]) group by 1, 2 order by n`.execute(w.database.db);
    expect(moved.rows.map((r) => r.n)).toEqual([1, 4]);
    // Each on its own trip stops, once.
    const stops = await sql<{ n: number }>`select count(*)::int as n from transport_trips t, jsonb_array_elements(t.stops) s
      join transport_requests r on r.id::text = s->>'requestId' where t.status = 'planned' and r.emergency_id = any(${ids}::uuid[])`.execute(w.database.db);
    expect(stops.rows[0]!.n).toBe(2 * ids.length);
  }, 60_000);

  it('emergencies reported done together close in one statement each: their cases with their audit rows, their legs; a report sent twice closes once', async () => {
    // Broke before (issue #21, district day): a batch of dones read each case under a row lock, then
    // moved it, closed its legs and wrote its audit row, four statements a case in turn under the
    // planning lock (done p90 35 s, 20 s of it in its batch).
    const ids: string[] = [];
    for (const h of [w.grid.h1, w.grid.h2, w.grid.h1]) {
      const raised = await raise(h, 'coordinator', { kind: 'acute_illness' });
      expect(raised.body.status).toBe('trip_assigned');
      ids.push(raised.body.id);
    }
    const lock = await holdTransportLock(w.database.schema);
    let answers: Promise<{ status: number; body: CaseBody }[]>;
    let blocker: Promise<string>;
    try {
      // This change's batch starts at once and waits for the lock: the dones wait for the next batch, together.
      blocker = inTransportBatch(w.deps.db, { now: new Date(), apply: async () => placesNothing('blocker') });
      answers = Promise.all([...ids, ids[0]!].map((id) => w.json<CaseBody>('POST', `/api/emergencies/${id}/done`, 'driver')));
      await vi.waitFor(() => expect(transportChangesWaiting(w.deps.db)).toBe(4), { timeout: 20_000, interval: 20 });
    } finally {
      await lock.release();
    }
    await blocker;
    expect((await answers).map((a) => [a.status, a.body.status])).toEqual([[200, 'done'], [200, 'done'], [200, 'done'], [200, 'done']]);
    /** How many of the rows each statement last wrote (rows written by one statement share xmin and cmin). */
    const statementsOf = async (table: 'emergency_cases' | 'transport_requests', column: 'id' | 'emergency_id') =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = any(${ids}::uuid[])
        group by xmin::text, cmin::text`.execute(w.database.db)).rows.map((r) => r.n);
    expect(await statementsOf('emergency_cases', 'id')).toEqual([3]);
    expect(await statementsOf('transport_requests', 'emergency_id')).toEqual([3]);
    const legs = await w.database.db.selectFrom('transport_requests').select('status').where('emergency_id', 'in', ids).execute();
    expect(legs.map((l) => l.status)).toEqual(['done', 'done', 'done']);
    const audits = await w.database.db.selectFrom('audit_log').select(['subject_id', 'actor_role']).where('action', '=', 'emergency.done').where('subject_id', 'in', ids).execute();
    expect(audits.map((a) => [a.subject_id, a.actor_role]).sort()).toEqual(ids.map((id) => [id, 'driver']).sort());
    // Their trips moved on: done, or in progress where another case's leg still rides them.
    const trips = await sql<{ status: string; riding: boolean }>`select t.status, exists (select 1 from transport_requests o where o.trip_id = t.id and o.status = 'assigned') as riding
      from transport_trips t where t.id in (select trip_id from transport_requests where emergency_id = any(${ids}::uuid[]))`.execute(w.database.db);
    expect(trips.rows.length).toBeGreaterThan(0);
    for (const t of trips.rows) expect(t.status).toBe(t.riding ? 'in_progress' : 'done');
  }, 60_000);

  it('emergencies queued behind the transport-planning lock leave the API its connections', async () => {
    // Broke before (issue #21): each request waiting for the lock held a pooled connection; with more
    // waiting than the pool holds (5 here), nothing else the API does could reach the database.
    // Two connections: one holds the lock, the other watches who waits for it.
    const lock = await holdTransportLock(w.database.schema);
    try {
      const households = [w.grid.h1, w.grid.h2, w.grid.h1, w.grid.h2, w.grid.h1, w.grid.h2, w.grid.h1];
      const raised = households.map((h) => raise(h, 'coordinator', { kind: 'acute_illness' }));
      const waiting = async () => Number((await sql<{ n: string }>`select count(*)::text as n from pg_stat_activity
        where wait_event_type = 'Lock' and wait_event = 'advisory' and pid <> pg_backend_pid()`.execute(lock.db)).rows[0]!.n);
      await vi.waitFor(async () => expect(await waiting()).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
      // Still answering while they queue: a read that needs the database.
      expect((await w.json('GET', `/api/reports/emergencies?from=2026-03-01&to=2026-03-01`, 'community_staff')).status).toBe(200);
      await lock.release();
      const answers = await Promise.all(raised);
      expect(answers.map((a) => a.status)).toEqual(households.map(() => 201));
    } finally {
      await lock.release();
    }
  }, 60_000);
});
