/**
 * The pass loop over HTTP on real PostgreSQL: apply > review > approve (transport planned on the
 * driver's batch) > issue (signed code) > trips > returned, every step audited and in the history;
 * refused transitions answer 409 naming from/to, while an action repeated on a pass already in its
 * target status answers the pass as it is and writes nothing; verification refuses forged, expired, refused,
 * cancelled and closed passes.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;
const APPOINTMENT = '2026-03-02T10:00:00Z';

beforeAll(async () => {
  w = await startPassWorld('pass_lifecycle');
});
afterAll(async () => {
  await w?.close();
});

type PassBody = { id: string; status: string; code?: string | null; driverId: string | null; reason?: string; transport: { leg: string; status: string; tripId: string | null }[] };

async function apply(extra: Record<string, unknown> = {}): Promise<PassBody> {
  const res = await w.json<PassBody>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
    person: 'Wang Fang', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: APPOINTMENT, visitMinutes: 180, ...extra,
  });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('applied');
  return res.body;
}

const act = (id: string, action: string, role: Parameters<PassWorld['json']>[2], body?: unknown) =>
  w.json<PassBody & { type?: string; from?: string; to?: string; detail?: string }>('POST', `/api/passes/${id}/${action}`, role, body);

describe('medical pass lifecycle', () => {
  it('runs the whole loop: apply > review > approve > issue > trips > returned, audited', async () => {
    const pass = await apply({ needsWheelchair: true });
    expect((await act(pass.id, 'approve', 'resident')).status).toBe(403);

    const early = await act(pass.id, 'approve', 'community_staff');
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: '/problems/invalid_transition', from: 'applied', to: 'approved' });

    expect((await act(pass.id, 'review', 'community_staff')).body.status).toBe('under_review');
    const approved = await act(pass.id, 'approve', 'community_staff');
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.driverId).toBe(w.grid.d1);
    expect(approved.body.transport.map((l) => [l.leg, l.status])).toEqual([['outbound', 'assigned'], ['return', 'assigned']]);

    // The outbound leg is in the driver's batch: pickup before drop, dropped by the appointment.
    const batch = await w.json<{ trips: { id: string; stops: { type: string; at: string; passId: string | null; wheelchair: boolean }[] }[] }>('GET', `/api/drivers/${w.grid.d1}/transport-trips`, 'driver');
    expect(batch.status).toBe(200);
    const stops = batch.body.trips.flatMap((t) => t.stops).filter((s) => s.passId === pass.id);
    expect(stops.map((s) => s.type)).toEqual(['pickup', 'drop', 'pickup', 'drop']);
    expect(Date.parse(stops[1]!.at)).toBeLessThanOrEqual(Date.parse(APPOINTMENT));
    expect(stops.every((s) => s.wheelchair)).toBe(true);
    expect(JSON.stringify(batch.body)).not.toContain('dialysis');
    expect((await w.json('GET', `/api/drivers/${w.grid.d1}/transport-trips`, 'resident')).status).toBe(403);

    const issued = await act(pass.id, 'issue', 'community_staff');
    expect(issued.body.status).toBe('issued');
    expect(issued.body.code).toMatch(/^CP1\./);
    const code = issued.body.code!;

    // Inside the window a driver's online check passes; a forged code does not.
    w.clock.set('2026-03-02T08:30:00Z');
    await w.relogin();
    const ok = await w.json<{ valid: boolean; status: string; reason?: string }>('POST', '/api/passes/verify', 'driver', { code });
    expect(ok.body).toMatchObject({ valid: true, status: 'issued', person: 'Wang Fang' });
    expect(JSON.stringify(ok.body)).not.toContain('dialysis');
    const forged = code.slice(0, -3) + (code.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await w.json('POST', '/api/passes/verify', 'driver', { code: forged })).body).toEqual({ valid: false, reason: 'bad_signature' });
    expect((await w.json('POST', '/api/passes/verify', 'resident', { code })).status).toBe(403);

    expect((await act(pass.id, 'at-hospital', 'driver')).status).toBe(409); // not picked up yet
    for (const [action, status] of [['outbound-done', 'outbound_done'], ['at-hospital', 'at_hospital'], ['return-done', 'return_done']] as const) {
      const res = await act(pass.id, action, 'driver');
      expect([res.status, res.body.status]).toEqual([200, status]);
    }
    expect((await act(pass.id, 'return', 'driver')).status).toBe(403); // staff take the pass back
    const returned = await act(pass.id, 'return', 'community_staff');
    expect(returned.body.status).toBe('returned');
    expect(returned.body.transport.map((l) => l.status)).toEqual(['done', 'done']);

    // Closed: the signature still holds, the pass no longer verifies.
    expect((await w.json('POST', '/api/passes/verify', 'driver', { code })).body).toMatchObject({ valid: false, reason: 'returned' });
    expect((await act(pass.id, 'cancel', 'community_staff')).body).toMatchObject({ from: 'returned', to: 'cancelled' });

    const history = await w.database.db.withTables<{ pass_status_history: { pass_id: string; to_status: string; id: string } }>()
      .selectFrom('pass_status_history').select('to_status').where('pass_id', '=', pass.id).orderBy('id').execute();
    expect(history.map((h) => h.to_status)).toEqual(['applied', 'under_review', 'approved', 'issued', 'outbound_done', 'at_hospital', 'return_done', 'returned']);
    const audit = await w.database.db.withTables<{ audit_log: { subject_id: string | null; action: string; outcome: string; id: string } }>()
      .selectFrom('audit_log').select(['action', 'outcome']).where('subject_id', '=', pass.id).orderBy('id').execute();
    const allowed = audit.filter((a) => a.outcome === 'allowed').map((a) => a.action);
    expect(allowed).toEqual(expect.arrayContaining(['pass.apply', 'pass.review', 'pass.approve', 'pass.issue', 'pass.outbound_done', 'pass.at_hospital', 'pass.return_done', 'pass.return']));
    expect(audit.filter((a) => a.outcome === 'denied').map((a) => a.action)).toEqual(expect.arrayContaining(['pass.approve', 'pass.return']));
  });

  it('an action repeated on a pass already in its target status answers 200 with the pass and writes nothing (a retry after a lost answer)', async () => {
    w.clock.set('2026-03-01T06:00:00Z');
    await w.relogin();
    const pass = await apply();
    const db = w.database.db.withTables<{
      pass_status_history: { pass_id: string; id: string };
      audit_log: { subject_id: string | null; action: string; outcome: string; id: string };
      live_events: { type: string; payload: unknown };
    }>();
    const written = async () => ({
      history: (await db.selectFrom('pass_status_history').select('id').where('pass_id', '=', pass.id).execute()).length,
      actions: (await db.selectFrom('audit_log').select('action').where('subject_id', '=', pass.id).where('action', '<>', 'pass.medical.read').execute()).length,
      events: (await db.selectFrom('live_events').select('type').where(sql<boolean>`payload->>'passId' = ${pass.id}`).execute()).length,
    });
    await act(pass.id, 'review', 'community_staff');
    for (const action of ['approve', 'issue']) {
      const first = await act(pass.id, action, 'community_staff');
      expect(first.status).toBe(200);
      const before = await written();
      const again = await act(pass.id, action, 'community_staff');
      expect([again.status, again.body.status]).toEqual([200, first.body.status]);
      expect(again.body.code ?? null).toBe(first.body.code ?? null); // issue again: the same code, not a new one
      expect(await written()).toEqual(before);
    }
    // The answer shows the medical reason to staff, so it is audited as a read of it.
    const reads = await db.selectFrom('audit_log').select('action').where('subject_id', '=', pass.id).where('action', '=', 'pass.medical.read').execute();
    expect(reads).toHaveLength(2);
    // Still refused: a role that may not act, and an action the status machine does not allow from here.
    expect((await act(pass.id, 'issue', 'resident')).status).toBe(403);
    expect((await act(pass.id, 'approve', 'community_staff')).body).toMatchObject({ from: 'issued', to: 'approved' });
  });

  it('refusal needs a reason; a refused pass cannot be issued and never gets a code', async () => {
    w.clock.set('2026-03-01T06:00:00Z');
    await w.relogin();
    const pass = await apply();
    await act(pass.id, 'review', 'community_staff');
    expect((await act(pass.id, 'refuse', 'community_staff')).status).toBe(422);
    const refused = await act(pass.id, 'refuse', 'community_staff', { reason: 'the clinic can see the resident by video' });
    expect(refused.body.status).toBe('refused');
    expect((await act(pass.id, 'issue', 'community_staff')).body).toMatchObject({ from: 'refused', to: 'issued' });
    expect((await w.json<PassBody>('GET', `/api/passes/${pass.id}`, 'resident')).body.code).toBeNull();
  });

  it('a cancelled pass frees its seats and stops verifying; an out-of-window code is refused as expired', async () => {
    w.clock.set('2026-03-01T06:00:00Z');
    await w.relogin();
    const pass = await apply();
    await act(pass.id, 'review', 'community_staff');
    await act(pass.id, 'approve', 'community_staff');
    const code = (await act(pass.id, 'issue', 'community_staff')).body.code!;
    expect((await act(pass.id, 'cancel', 'resident')).status).toBe(403); // issued: only staff call it in
    const cancelled = await act(pass.id, 'cancel', 'community_staff');
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.transport.every((l) => l.status === 'cancelled')).toBe(true);
    w.clock.set('2026-03-02T09:00:00Z');
    await w.relogin();
    expect((await w.json('POST', '/api/passes/verify', 'community_staff', { code })).body).toMatchObject({ valid: false, reason: 'cancelled' });
    w.clock.set('2026-03-03T09:00:00Z');
    await w.relogin();
    expect((await w.json('POST', '/api/passes/verify', 'community_staff', { code })).body).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('an appointment no car can reach in time leaves the outbound leg unserved with the reason; the pass stays approved', async () => {
    w.clock.set('2026-03-01T06:00:00Z');
    await w.relogin();
    const pass = await apply({ appointmentAt: '2026-03-01T06:10:00Z' }); // ~14 min of driving and boarding away
    await act(pass.id, 'review', 'community_staff');
    const approved = await w.json<PassBody & { transport: { leg: string; status: string; unservedReason: string | null }[] }>('POST', `/api/passes/${pass.id}/approve`, 'community_staff');
    expect(approved.body.status).toBe('approved');
    expect(approved.body.driverId).toBeNull();
    expect(approved.body.transport.find((l) => l.leg === 'outbound')).toMatchObject({ status: 'unserved', unservedReason: 'appointment-unreachable' });
    expect(approved.body.transport.find((l) => l.leg === 'return')).toMatchObject({ status: 'assigned' });
  });

  it('others cannot apply for or read a household’s passes; unknown ids answer 404', async () => {
    w.clock.set('2026-03-01T06:00:00Z');
    await w.relogin();
    const body = { person: 'X', hospitalId: w.hospitalId, reason: 'r', appointmentAt: APPOINTMENT };
    expect((await w.json('POST', `/api/households/${w.grid.h4}/passes`, 'resident', body)).status).toBe(403);
    expect((await w.json('POST', `/api/households/${w.grid.h1}/passes`, 'community_staff', body)).status).toBe(403);
    expect((await w.json('POST', `/api/households/${w.grid.h1}/passes`, 'resident', { ...body, extra: 1 })).status).toBe(422);
    expect((await w.json('GET', '/api/passes/00000000-0000-4000-8000-000000000000', 'community_staff')).status).toBe(404);
    const pass = await apply();
    const asDispatcher = await w.json<PassBody>('GET', `/api/passes/${pass.id}`, 'dispatcher');
    expect(asDispatcher.status).toBe(200);
    expect(asDispatcher.body.reason).toBeUndefined(); // dispatch plans without medical details
    expect((await w.json<PassBody>('GET', `/api/passes/${pass.id}`, 'community_staff')).body.reason).toBe('dialysis');
  });
});
