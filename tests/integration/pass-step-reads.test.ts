/**
 * A pass step reads only what it needs (issue #21): in the district day's morning, a thousand pass
 * applications and their reviews arrive within a minute, and every statement of a step costs the API
 * process CPU that intake is waiting for. Staff deciding on a pass are not asked who drives it (only a
 * driver's rights depend on that), a review reads no legs (a pass not yet approved has none), and an
 * application reads its household and hospital together. A driver marking a trip still has its
 * drivers read (it is allowed as the trip's driver).
 */
import { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { passHistory } from '../../src/store/pass.repository';
import { statementRecorder } from './auth.fixture';
import { startPassWorld, type PassWorld } from './pass.fixture';

const { plugin: recorder, statements } = statementRecorder();

let w: PassWorld;
beforeAll(async () => {
  w = await startPassWorld('pass_step_reads', '2026-03-01T06:00:00Z', { plugin: recorder });
});
afterAll(async () => {
  await w?.close();
});

/** Statements sent while `f` runs that read the pass's legs. */
async function legReads(f: () => Promise<unknown>): Promise<number> {
  const from = statements.length;
  await f();
  return statements.slice(from).filter((tables) => tables.includes('transport_requests')).length;
}

const act = (id: string, action: string, role: Parameters<PassWorld['json']>[2]) => w.json<{ status: string }>('POST', `/api/passes/${id}/${action}`, role, {});

describe('what a pass step reads', () => {
  it('a staff review reads neither the drivers nor the legs (a pass under review has none)', async () => {
    const applied = await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
      person: 'Li Lei', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: '2026-03-02T10:00:00Z', visitMinutes: 120,
    });
    expect(applied.status).toBe(201);
    const id = applied.body.id;
    let answer: { status: number; body: { status: string } } | undefined;
    expect(await legReads(async () => { answer = await act(id, 'review', 'community_staff'); })).toBe(0);
    expect(answer).toMatchObject({ status: 200, body: { status: 'under_review', transport: [] } });

    // An approved pass has legs, and its answer shows them.
    const approved = await w.json<{ status: string; transport: unknown[] }>('POST', `/api/passes/${id}/approve`, 'community_staff', {});
    expect(approved.body.status).toBe('approved');
    expect(approved.body.transport).toHaveLength(2);
    // The driver's rights still come from the trips: after approval and issue, d1 marks the outbound trip.
    expect((await act(id, 'issue', 'community_staff')).body.status).toBe('issued');
    const marked = await act(id, 'outbound-done', 'driver');
    expect(marked).toMatchObject({ status: 200, body: { status: 'outbound_done' } });
  });

  it('an application reads its household and whether its hospital exists in one statement; an unknown hospital is still refused', async () => {
    const apply = (hospitalId: string) => w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
      person: 'Zhou Min', hospitalId, reason: 'dialysis', appointmentAt: '2026-03-02T09:00:00Z', visitMinutes: 60,
    });
    const from = statements.length;
    expect((await apply(w.hospitalId)).status).toBe(201);
    const reads = statements.slice(from).filter((s) => s[0] === 'SelectQueryNode');
    expect(reads.filter((s) => s.includes('hospitals'))).toEqual([expect.arrayContaining(['households', 'hospitals'])]);
    expect(reads.filter((s) => s.includes('households') && !s.includes('hospitals'))).toEqual([]);
    const unknown = await apply('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ errors: [{ path: ['hospitalId'] }] });
  });

  it('an application and a review write the pass, its history entry and its audit row in one statement each', async () => {
    // Each statement of a transaction holds a pooled connection for a turn of the API's event loop:
    // in the district day's first minute the pass transactions held most of the pool (issue #21).
    const audits = await w.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('subject_type', '=', 'pass').where('outcome', '=', 'allowed').executeTakeFirstOrThrow();
    const writes = async (f: () => Promise<unknown>) => {
      const from = statements.length;
      await f();
      const sent = statements.slice(from);
      // No statement of its own for the audit row: it is in the pass's.
      expect(sent.filter((s) => s.includes('audit_log'))).toEqual([]);
      return sent.filter((tables) => tables.includes('pass_status_history') || tables.some((t) => t.startsWith('sql:') && /\bpass_status_history\b/.test(t)));
    };
    let id = '';
    const applied = await writes(async () => {
      id = (await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
        person: 'Han Meimei', hospitalId: w.hospitalId, reason: 'chemotherapy', appointmentAt: '2026-03-02T14:00:00Z', visitMinutes: 60,
      })).body.id;
    });
    expect(applied).toEqual([expect.arrayContaining(['passes', 'pass_status_history'])]);
    expect(await writes(() => act(id, 'review', 'community_staff'))).toHaveLength(1);
    expect((await passHistory(w.database.db, id)).map((h) => [h.from, h.to])).toEqual([[null, 'applied'], ['applied', 'under_review']]);
    // The audit rows are there all the same, naming the pass, its actor and the request.
    const rows = await w.database.db.selectFrom('audit_log').select(['action', 'actor_role', 'request_id']).where('subject_type', '=', 'pass').where('subject_id', '=', id).orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.actor_role])).toEqual([['pass.apply', 'resident'], ['pass.review', 'community_staff']]);
    expect(rows.every((r) => typeof r.request_id === 'string' && r.request_id.length > 0)).toBe(true);
    const after = await w.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('subject_type', '=', 'pass').where('outcome', '=', 'allowed').executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(audits.n)).toBe(2);
  });

  it('an application and a review, one statement each, open no transaction; an approval still does', async () => {
    // A transaction's BEGIN and COMMIT are two more round trips holding the pooled connection, each
    // waiting for a turn of a busy API process: in the district day's first minute the pass
    // transactions held most of the pool, idle, while needs waited for a connection (issue #21).
    const transactions = vi.spyOn(Kysely.prototype, 'transaction');
    try {
      const applied = await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
        person: 'Sun Li', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: '2026-03-02T16:00:00Z', visitMinutes: 60,
      });
      expect(applied.status).toBe(201);
      expect((await act(applied.body.id, 'review', 'community_staff')).body.status).toBe('under_review');
      expect(transactions).not.toHaveBeenCalled();
      expect((await passHistory(w.database.db, applied.body.id)).map((h) => [h.from, h.to])).toEqual([[null, 'applied'], ['applied', 'under_review']]);
      // A review of a pass already under review writes nothing and answers as before.
      expect((await act(applied.body.id, 'review', 'community_staff'))).toMatchObject({ status: 200, body: { status: 'under_review' } });
      expect((await act(applied.body.id, 'approve', 'community_staff')).body.status).toBe('approved');
      expect(transactions).toHaveBeenCalled();
    } finally {
      transactions.mockRestore();
    }
  });

  it('a pass step in a transport batch asks for the planning lock once, an approval reads its legs\' ends before it; a trip done closes its leg and moves its trip in one statement', async () => {
    // The batch holds the lock from its first statement; placing the legs or closing one asked again,
    // and a leg done took four statements and a read of the legs, while every other process waited
    // for that lock (issue #21).
    const sent = async (f: () => Promise<unknown>) => {
      const from = statements.length;
      await f();
      return statements.slice(from);
    };
    const id = (await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
      person: 'Wang Fang', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: '2026-03-02T11:00:00Z', visitMinutes: 60,
    })).body.id;
    expect((await act(id, 'review', 'community_staff')).body.status).toBe('under_review');
    let approved: { body: { status: string } } | undefined;
    const approving = await sent(async () => { approved = await act(id, 'approve', 'community_staff'); });
    expect(approved?.body.status).toBe('approved');
    const isLock = (s: string[]) => s.some((t) => t.includes('pg_advisory_xact_lock'));
    expect(approving.filter(isLock)).toHaveLength(1);
    // Where its legs start and end (home, hospital) is read before the batch takes the lock, once.
    const endsRead = approving.flatMap((s, i) => (s.includes('hospitals') ? [i] : []));
    expect(endsRead).toHaveLength(1);
    expect(endsRead[0]).toBeLessThan(approving.findIndex(isLock));
    expect((await act(id, 'issue', 'community_staff')).body.status).toBe('issued');
    let marked: { body: { status: string } } | undefined;
    const marking = await sent(async () => { marked = await act(id, 'outbound-done', 'driver'); });
    expect(marked?.body.status).toBe('outbound_done');
    expect(marking.filter(isLock)).toHaveLength(1);
    const writesTransport = (s: string[]) => (s[0] === 'UpdateQueryNode' && (s.includes('transport_trips') || s.includes('transport_requests'))) || s.some((t) => /update transport_/.test(t));
    expect(marking.filter(writesTransport)).toHaveLength(1);
    // And the trip moved on: its outbound stops behind the vehicle, the return leg still to ride.
    const trip = await w.database.db.selectFrom('transport_trips as t').innerJoin('transport_requests as r', 'r.trip_id', 't.id')
      .select(['t.status', 't.locked_stops', 't.stops', 'r.leg', 'r.status as legStatus']).where('r.pass_id', '=', id).where('r.leg', '=', 'outbound').executeTakeFirstOrThrow();
    expect(trip.legStatus).toBe('done');
    const lastOutbound = trip.stops.map((s) => s.requestId).lastIndexOf((await w.database.db.selectFrom('transport_requests').select('id').where('pass_id', '=', id).where('leg', '=', 'outbound').executeTakeFirstOrThrow()).id);
    expect(trip.locked_stops).toBe(lastOutbound + 1);
  });

  it('a move reads the pass once, before its transaction; a double tap moves it once and answers both', async () => {
    const id = (await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
      person: 'Zhao Lei', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: '2026-03-02T15:00:00Z', visitMinutes: 60,
    })).body.id;
    const from = statements.length;
    expect((await act(id, 'review', 'community_staff')).body.status).toBe('under_review');
    // The pass's own reads (the statements that name it alone): once, outside; its move checks the status it read.
    expect(statements.slice(from).filter((s) => s[0] === 'SelectQueryNode' && s.length === 2 && s[1] === 'passes')).toHaveLength(1);

    // Two approvals at once (a double tap): the second finds the pass moved under it, reads it again and answers it as it is.
    const [a, b] = await Promise.all([act(id, 'approve', 'community_staff'), act(id, 'approve', 'community_staff')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.status, b.body.status]).toEqual(['approved', 'approved']);
    expect((await passHistory(w.database.db, id)).map((h) => h.to)).toEqual(['applied', 'under_review', 'approved']);
    const legs = await w.database.db.selectFrom('transport_requests').select('leg').where('pass_id', '=', id).orderBy('leg').execute();
    expect(legs.map((l) => l.leg)).toEqual(['outbound', 'return']);
  });
});
