/**
 * Transport batches (src/services/passes/transport-batch.ts) on real PostgreSQL: pass moves and
 * emergencies that wait for the transport-planning lock are taken together, in one transaction with
 * one placement; a change refused in a batch is undone alone, one the database failed runs again
 * alone; an emergency goes before the passes waiting; a pass review does not wait for the lock.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inTransportBatch, placesNothing, transportChangesWaiting, type TransportChange, type TransportLane } from '../../src/services/passes/transport-batch';
import { AppError } from '../../src/shared/errors';
import { holdTransportLock, startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;

beforeAll(async () => {
  w = await startPassWorld('transport_batch');
  await sql`create table batch_probe (id text primary key, tx text not null)`.execute(w.database.db);
});
afterAll(async () => {
  await w?.close();
});

/** A change that records its id and transaction in batch_probe, then does `then` (throw, say). */
function probe(id: string, order: string[], options: { lane?: TransportLane; then?: () => void } = {}): TransportChange<string> {
  return {
    now: new Date(),
    ...(options.lane ? { lane: options.lane } : {}),
    apply: async (trx) => {
      order.push(id);
      await sql`insert into batch_probe (id, tx) values (${id}, txid_current()::text)`.execute(trx);
      options.then?.();
      return placesNothing(id);
    },
  };
}

/**
 * Whether each probe row was written in a savepoint: a row written in a subtransaction carries the
 * subtransaction's id as its xmin, not its transaction's.
 */
async function inSavepoint(ids: string[]): Promise<boolean[]> {
  const rows = (await sql<{ id: string; tx: string; xmin: string }>`select id, tx, xmin::text as xmin from batch_probe where id = any(${ids})`.execute(w.database.db)).rows;
  const byId = new Map(rows.map((r) => [r.id, Number(BigInt(r.tx) % 2n ** 32n) !== Number(r.xmin)]));
  return ids.map((id) => byId.get(id)!);
}

const txOf = async (ids: string[]) => new Map((await sql<{ id: string; tx: string }>`select id, tx from batch_probe where id = any(${ids})`.execute(w.database.db)).rows.map((r) => [r.id, r.tx]));

describe('transport batches', () => {
  it('takes the changes waiting together; a refused one is undone alone, one the database failed runs again alone, an emergency goes first, alone', async () => {
    const db = w.database.db;
    const order: string[] = [];
    const lock = await holdTransportLock(w.database.schema);
    let failures = 0;
    let answers: Promise<PromiseSettledResult<string>[]>;
    try {
      // The first change's batch starts at once and waits for the lock; the others queue behind it.
      const first = inTransportBatch(db, probe('a', order));
      const queued = [
        inTransportBatch(db, probe('b', order)),
        inTransportBatch(db, probe('refused', order, { then: () => { throw new AppError('conflict', 'no such move'); } })),
        // Fails for the database's sake twice (a duplicate key): in the batch and in its savepoint, not when run again alone.
        inTransportBatch(db, { ...probe('flaky', order), apply: async (trx) => {
          order.push('flaky');
          if (failures++ < 2) await sql`insert into batch_probe (id, tx) values ('b', '0')`.execute(trx);
          await sql`insert into batch_probe (id, tx) values ('flaky', txid_current()::text)`.execute(trx);
          return placesNothing('flaky');
        } }),
        inTransportBatch(db, probe('c', order)),
        inTransportBatch(db, probe('emergency', order, { lane: 'emergency' })),
      ];
      expect(transportChangesWaiting(db)).toBe(5);
      answers = Promise.allSettled([first, ...queued]);
    } finally {
      await lock.release();
    }
    const settled = await answers;
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['a', 'b', 'no such move', 'flaky', 'c', 'emergency']);
    // The batch of four first ran side by side without savepoints, then again with each change in one,
    // then the flaky one alone.
    expect(order).toEqual(['a', 'emergency', 'b', 'refused', 'flaky', 'c', 'b', 'refused', 'flaky', 'c', 'flaky']);

    const tx = await txOf(['a', 'b', 'refused', 'flaky', 'c', 'emergency']);
    expect(tx.has('refused')).toBe(false);
    // The emergency in a batch of its own, the four passes that waited in one transaction; the flaky one committed in its own, after.
    expect(tx.get('b')).toBe(tx.get('c'));
    expect(new Set([tx.get('a'), tx.get('emergency'), tx.get('b'), tx.get('flaky')]).size).toBe(4);
    expect(await inSavepoint(['b', 'c'])).toEqual([true, true]);
    expect(transportChangesWaiting(db)).toBe(0);
  }, 60_000);

  it('a batch where no change fails writes without savepoints; emergencies that waited go together, more than a pass batch holds', async () => {
    const db = w.database.db;
    const order: string[] = [];
    const lock = await holdTransportLock(w.database.schema);
    const ids = Array.from({ length: 12 }, (_, i) => `raise-${i}`);
    let answers: Promise<string[]>;
    try {
      const first = inTransportBatch(db, probe('first', order));
      const queued = ids.map((id) => inTransportBatch(db, probe(id, order, { lane: 'emergency' })));
      expect(transportChangesWaiting(db)).toBe(12);
      answers = Promise.all([first, ...queued]);
    } finally {
      await lock.release();
    }
    expect(await answers).toEqual(['first', ...ids]);
    expect(order).toEqual(['first', ...ids]);
    const tx = await txOf(ids);
    expect(new Set(ids.map((id) => tx.get(id))).size).toBe(1);
    expect(await inSavepoint(ids)).toEqual(ids.map(() => false));
  }, 60_000);

  it('takes the lanes in order: emergencies looking for a car, then emergencies done, then passes', async () => {
    const db = w.database.db;
    const order: string[] = [];
    const lock = await holdTransportLock(w.database.schema);
    let answers: Promise<string[]>;
    try {
      const first = inTransportBatch(db, probe('running', order));
      const queued = [
        inTransportBatch(db, probe('pass', order)),
        inTransportBatch(db, probe('done', order, { lane: 'emergency-done' })),
        inTransportBatch(db, probe('raise', order, { lane: 'emergency' })),
      ];
      expect(transportChangesWaiting(db)).toBe(3);
      answers = Promise.all([first, ...queued]);
    } finally {
      await lock.release();
    }
    expect(await answers).toEqual(['running', 'pass', 'done', 'raise']);
    expect(order).toEqual(['running', 'raise', 'done', 'pass']);
  }, 60_000);

  it('a pass review answers while the planning lock is held; approvals that waited for it are placed together, each on a trip', async () => {
    type PassBody = { id: string; status: string; driverId: string | null; transport: { leg: string; status: string }[] };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const applied = await w.json<PassBody>('POST', `/api/households/${i % 2 ? w.grid.h1 : w.grid.h2}/passes`, 'coordinator', {
        person: `Resident ${i}`, hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: `2026-03-02T${10 + 3 * i}:00:00Z`, visitMinutes: 60,
      });
      expect(applied.status).toBe(201);
      ids.push(applied.body.id);
    }
    for (const id of ids.slice(0, 3)) expect((await w.json<PassBody>('POST', `/api/passes/${id}/review`, 'community_staff')).status).toBe(200);

    const lock = await holdTransportLock(w.database.schema);
    let approvals: Promise<{ status: number; body: PassBody }[]>;
    try {
      // Nothing to place: answered with the lock still held elsewhere.
      const review = await w.json<PassBody>('POST', `/api/passes/${ids[3]}/review`, 'community_staff');
      expect(review.body.status).toBe('under_review');
      approvals = Promise.all(ids.map((id) => w.json<PassBody>('POST', `/api/passes/${id}/approve`, 'community_staff')));
      await vi.waitFor(() => expect(transportChangesWaiting(w.database.db)).toBe(3), { timeout: 20_000, interval: 20 });
    } finally {
      await lock.release();
    }
    const answered = await approvals;
    for (const a of answered) {
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ status: 'approved', driverId: w.grid.d1 });
      expect(a.body.transport.map((l) => [l.leg, l.status])).toEqual([['outbound', 'assigned'], ['return', 'assigned']]);
    }
    // The first approval's batch started alone; the three that waited behind it share one transaction.
    const tx = (await sql<{ tx: string }>`select xmin::text as tx from passes where id = any(${ids}) order by appointment_at`.execute(w.database.db)).rows.map((r) => r.tx);
    expect(new Set(tx).size).toBe(2);
    // ...and their drivers were set by one statement of it (one command id), not one each: each
    // statement under the lock waited a turn of a busy event loop in the district day (issue #21).
    const writes = await sql<{ n: number }>`select count(*)::int as n from passes where id = any(${ids}) group by xmin::text, cmin::text order by n`.execute(w.database.db);
    expect(writes.rows.map((r) => r.n)).toEqual([1, 3]);
  }, 60_000);

  it('pass steps that waited together write together: their moves, legs placed, trips done and legs cancelled one statement each', async () => {
    // Broke before (issue #21, district day): the pass lane ran its changes one after another, each
    // move and each leg a statement of its own under the planning lock, 8 changes a batch; a
    // morning's approvals queued in their process for minutes (p50 147-161 s).
    type Body = { id: string; status: string };
    const db = w.database.db;
    const passes = async (n: number, at: string) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const applied = await w.json<Body>('POST', `/api/households/${i % 2 ? w.grid.h1 : w.grid.h2}/passes`, 'coordinator', {
          person: `Resident ${40 + i}`, hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: at, visitMinutes: 60,
        });
        ids.push(applied.body.id);
        expect((await w.json<Body>('POST', `/api/passes/${applied.body.id}/review`, 'community_staff')).status).toBe(200);
      }
      return ids;
    };
    /** Runs `action` on every pass while the planning lock is held elsewhere, so that all of them wait for one batch. */
    let blockers = 0;
    const together = async (ids: string[], action: string, role: 'community_staff' | 'driver', status: string) => {
      const lock = await holdTransportLock(w.database.schema);
      let answers: Promise<{ status: number; body: Body }[]>;
      let blocker: Promise<string>;
      try {
        // This change's batch starts at once and waits for the lock: the steps asked after it wait for the next batch, together.
        blocker = inTransportBatch(db, probe(`blocker-${blockers++}`, []));
        answers = Promise.all(ids.map((id) => w.json<Body>('POST', `/api/passes/${id}/${action}`, role, {})));
        await vi.waitFor(() => expect(transportChangesWaiting(db)).toBe(ids.length), { timeout: 20_000, interval: 20 });
      } finally {
        await lock.release();
      }
      await blocker;
      for (const a of await answers) expect(a).toMatchObject({ status: 200, body: { status } });
    };
    /** How many of the rows each statement wrote (rows last written by one statement share xmin and cmin). */
    const statements = async (table: 'pass_status_history' | 'transport_requests', where: ReturnType<typeof sql>) =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where} group by xmin::text, cmin::text`.execute(db)).rows.map((r) => r.n);

    const ids = await passes(3, '2026-03-06T10:00:00Z');
    // The first approved twice in the batch (a double tap): one of the two moves it, the other answers it as it is.
    await together([...ids, ids[0]!], 'approve', 'community_staff', 'approved');
    expect(await statements('pass_status_history', sql`pass_id = any(${ids}) and to_status = 'approved'`)).toEqual([3]);
    // Their six legs placed on the one car, some of them sharing a trip (the case a trip's rows written together must get right).
    const legs = await db.selectFrom('transport_requests').select(['id', 'pass_id', 'leg', 'status', 'trip_id']).where('pass_id', 'in', ids).execute();
    expect(legs.map((l) => l.status)).toEqual(legs.map(() => 'assigned'));
    const outbound = legs.filter((l) => l.leg === 'outbound');
    expect(new Set(outbound.map((l) => l.trip_id)).size).toBeLessThan(outbound.length);

    for (const id of ids) expect((await w.json<Body>('POST', `/api/passes/${id}/issue`, 'community_staff', {})).status).toBe(200);
    await together(ids, 'outbound-done', 'driver', 'outbound_done');
    expect(await statements('transport_requests', sql`pass_id = any(${ids}) and leg = 'outbound'`)).toEqual([3]);
    // Each trip of theirs: its stops up to the last of their outbound legs behind the car, in progress while a return leg rides it.
    const trips = await db.selectFrom('transport_trips').select(['id', 'stops', 'locked_stops', 'status']).where('id', 'in', [...new Set(legs.map((l) => l.trip_id!))]).execute();
    for (const trip of trips) {
      const mine = new Set(outbound.filter((l) => l.trip_id === trip.id).map((l) => l.id));
      const last = Math.max(0, ...trip.stops.flatMap((s, i) => (mine.has(s.requestId) ? [i + 1] : [])));
      expect(trip.locked_stops).toBe(last);
      const riding = legs.some((l) => l.trip_id === trip.id && l.leg === 'return');
      expect(trip.status).toBe(last > 0 ? (riding ? 'in_progress' : 'done') : 'planned');
    }

    // Two passes on one trip called in at once: both come off it (their legs cancelled in one statement, the trip written once).
    const called = await passes(2, '2026-03-07T10:00:00Z');
    await together(called, 'approve', 'community_staff', 'approved');
    const placed = await db.selectFrom('transport_requests').select(['id', 'trip_id']).where('pass_id', 'in', called).execute();
    const shared = new Set(placed.map((l) => l.trip_id));
    expect(shared.size).toBeLessThan(placed.length);
    await together(called, 'cancel', 'community_staff', 'cancelled');
    expect(await statements('transport_requests', sql`pass_id = any(${called})`)).toEqual([4]);
    const left = await db.selectFrom('transport_trips').select(['stops', 'status']).where('id', 'in', [...shared].map((t) => t!)).execute();
    const gone = new Set(placed.map((l) => l.id));
    for (const trip of left) {
      expect(trip.stops.filter((s) => gone.has(s.requestId))).toEqual([]);
      expect(trip.status).toBe(trip.stops.length === 0 ? 'cancelled' : 'planned');
    }
  }, 60_000);

  it('a driver reporting an emergency done goes before the pass approvals waiting, as the raise does', async () => {
    // Broke before (issue #21, district day): a case's `done` waited in line with the passes, 77 s
    // (p50) behind the morning's approvals, while its car stayed taken.
    type Body = { id: string; status: string };
    const raised = await w.json<Body>('POST', `/api/households/${w.grid.h2}/emergencies`, 'coordinator', { kind: 'acute_illness' });
    expect(raised.body.status).toBe('trip_assigned');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const applied = await w.json<Body>('POST', `/api/households/${w.grid.h1}/passes`, 'coordinator', {
        person: `Resident ${10 + i}`, hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: `2026-03-03T${10 + 3 * i}:00:00Z`, visitMinutes: 60,
      });
      ids.push(applied.body.id);
      expect((await w.json<Body>('POST', `/api/passes/${applied.body.id}/review`, 'community_staff')).status).toBe(200);
    }
    const lock = await holdTransportLock(w.database.schema);
    let answers: Promise<{ status: number }[]>;
    try {
      // The first approval's batch waits for the lock; the second approval and the done queue behind it.
      const first = w.json('POST', `/api/passes/${ids[0]}/approve`, 'community_staff');
      // Waiting for this schema's transport lock (advisory-lock.ts: the name's hash with the schema), whatever other files hold.
      const lockWaiters = async () => Number((await sql<{ n: string }>`select count(*)::text as n from pg_locks
        where locktype = 'advisory' and not granted
          and objid = ((hashtext('cordon.transport-planning:' || ${w.database.schema})::bigint) & 4294967295)::oid`.execute(lock.db)).rows[0]!.n);
      await vi.waitFor(async () => expect(await lockWaiters()).toBe(1), { timeout: 20_000, interval: 20 });
      const second = w.json('POST', `/api/passes/${ids[1]}/approve`, 'community_staff');
      await vi.waitFor(() => expect(transportChangesWaiting(w.database.db)).toBe(1), { timeout: 20_000, interval: 20 });
      const done = w.json('POST', `/api/emergencies/${raised.body.id}/done`, 'driver');
      await vi.waitFor(() => expect(transportChangesWaiting(w.database.db)).toBe(2), { timeout: 20_000, interval: 20 });
      answers = Promise.all([first, second, done]);
    } finally {
      await lock.release();
    }
    expect((await answers).map((a) => a.status)).toEqual([200, 200, 200]);
    const xmin = async (table: 'passes' | 'emergency_cases', id: string) => Number((await sql<{ tx: string }>`select xmin::text as tx from ${sql.table(table)} where id = ${id}`.execute(w.database.db)).rows[0]!.tx);
    // The done in a batch of its own, committed before the second approval's.
    expect(await xmin('emergency_cases', raised.body.id)).toBeLessThan(await xmin('passes', ids[1]!));
  }, 60_000);

  it('an approval read before a review committed, run after it, approves: the pass is read again when the status read leads nowhere', async () => {
    // The move goes from the status its request read (issue #21: no read again under the lock); one
    // read before the review still sees 'applied', from which no approval goes.
    type Body = { id: string; status: string };
    const applied = await w.json<Body>('POST', `/api/households/${w.grid.h1}/passes`, 'coordinator', {
      person: 'Resident 30', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: '2026-03-04T10:00:00Z', visitMinutes: 60,
    });
    const id = applied.body.id;
    const lock = await holdTransportLock(w.database.schema);
    let approved: Promise<{ status: number; body: Body }>;
    try {
      approved = w.json<Body>('POST', `/api/passes/${id}/approve`, 'community_staff');
      // The approval has read the pass ('applied') and waits in its batch for the lock.
      const lockWaiters = async () => Number((await sql<{ n: string }>`select count(*)::text as n from pg_locks
        where locktype = 'advisory' and not granted
          and objid = ((hashtext('cordon.transport-planning:' || ${w.database.schema})::bigint) & 4294967295)::oid`.execute(lock.db)).rows[0]!.n);
      await vi.waitFor(async () => expect(await lockWaiters()).toBe(1), { timeout: 20_000, interval: 20 });
      expect((await w.json<Body>('POST', `/api/passes/${id}/review`, 'community_staff')).body.status).toBe('under_review');
    } finally {
      await lock.release();
    }
    expect(await approved).toMatchObject({ status: 200, body: { status: 'approved' } });
  }, 60_000);
});
