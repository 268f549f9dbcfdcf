/**
 * `POST /api/needs/:needId/cancel` for a medical_pass need that continues as a pass: a pass not yet
 * issued is cancelled with the need (pass history, audit row, transport legs off their trips); a pass
 * that is out refuses the need's cancel with a 409 problem pointing at the pass routes, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;

beforeAll(async () => {
  w = await startPassWorld('need_cancel_pass');
});
afterAll(async () => {
  await w?.close();
});

async function needWithPass(appointmentAt: string): Promise<{ needId: string; passId: string }> {
  const need = await w.json<{ need: { id: string } }>('POST', `/api/households/${w.grid.h1}/needs`, 'resident', {
    kind: 'medical_pass', details: { reason: 'dialysis', hospital: 'City Hospital', appointmentAt },
  });
  expect(need.status).toBe(201);
  const pass = await w.json<{ id: string }>('POST', `/api/needs/${need.body.need.id}/pass`, 'community_staff', { person: 'Li Na', hospitalId: w.hospitalId });
  expect(pass.status).toBe(201);
  return { needId: need.body.need.id, passId: pass.body.id };
}

const needStatus = async (id: string) => (await w.database.db.selectFrom('needs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const passStatus = async (id: string) => (await w.json<{ status: string }>('GET', `/api/passes/${id}`, 'community_staff')).body.status;
const act = (id: string, action: string) => w.json('POST', `/api/passes/${id}/${action}`, 'community_staff');
const cancel = (needId: string) => w.json<Record<string, unknown>>('POST', `/api/needs/${needId}/cancel`, 'community_staff', { reason: 'no longer needed' });

describe('cancelling a medical_pass need', () => {
  it('cancels its pass while the pass is not issued yet, with history, audit and its legs freed', async () => {
    const { needId, passId } = await needWithPass('2026-03-05T10:00:00Z');
    for (const a of ['review', 'approve']) expect((await act(passId, a)).status).toBe(200);
    const legs = w.database.db.withTables<{ transport_requests: { pass_id: string | null; status: string } }>()
      .selectFrom('transport_requests').select('status').where('pass_id', '=', passId);
    expect((await legs.execute()).length).toBe(2);

    const res = await cancel(needId);
    expect(res.status).toBe(200);
    expect(await needStatus(needId)).toBe('cancelled');
    expect(await passStatus(passId)).toBe('cancelled');
    expect((await legs.execute()).map((l) => l.status)).toEqual(['cancelled', 'cancelled']);
    const history = await w.database.db.withTables<{ pass_status_history: { pass_id: string; from_status: string; to_status: string } }>()
      .selectFrom('pass_status_history').select(['from_status', 'to_status']).where('pass_id', '=', passId).execute();
    expect(history).toContainEqual({ from_status: 'approved', to_status: 'cancelled' });
    const audit = await w.database.db.withTables<{ audit_log: { action: string; subject_id: string | null; outcome: string } }>()
      .selectFrom('audit_log').select(['action', 'outcome']).where('subject_id', '=', passId).where('action', '=', 'pass.cancel').execute();
    expect(audit).toEqual([{ action: 'pass.cancel', outcome: 'allowed' }]);
    // The need's history has its own cancel, once (the pass loop did not cancel it a second time).
    const needHistory = await w.database.db.selectFrom('need_status_history').select(['to_status']).where('need_id', '=', needId).execute();
    expect(needHistory.filter((h) => h.to_status === 'cancelled')).toHaveLength(1);
  });

  it('cancels an applied pass too', async () => {
    const { needId, passId } = await needWithPass('2026-03-06T10:00:00Z');
    expect((await cancel(needId)).status).toBe(200);
    expect(await passStatus(passId)).toBe('cancelled');
  });

  it('refuses with 409 once the pass is issued, naming the pass routes; nothing changes', async () => {
    const { needId, passId } = await needWithPass('2026-03-07T10:00:00Z');
    for (const a of ['review', 'approve', 'issue']) expect((await act(passId, a)).status).toBe(200);
    const before = await needStatus(needId);
    const res = await cancel(needId);
    expect(res.status).toBe(409);
    expect(String(res.body.detail ?? res.body.title)).toMatch(/pass routes/);
    expect(JSON.stringify(res.body)).not.toContain('dialysis');
    expect(await passStatus(passId)).toBe('issued');
    expect(await needStatus(needId)).toBe(before);
    // Through the pass route the need follows the pass.
    expect((await act(passId, 'cancel')).status).toBe(200);
    expect(await needStatus(needId)).toBe('failed');
  });
});
