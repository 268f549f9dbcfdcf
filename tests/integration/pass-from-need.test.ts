/**
 * Intake to pass: a medical_pass need submitted through the needs API continues as a pass, and
 * the need's status follows the pass to delivered (loop closed) or cancelled (refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;

beforeAll(async () => {
  w = await startPassWorld('pass_from_need');
});
afterAll(async () => {
  await w?.close();
});

async function submitNeed(appointmentAt: string): Promise<string> {
  const res = await w.json<{ need: { id: string; status: string } }>('POST', `/api/households/${w.grid.h1}/needs`, 'resident', {
    kind: 'medical_pass', details: { reason: 'chemotherapy', hospital: 'City Hospital', appointmentAt, needsWheelchair: true },
  });
  expect(res.status).toBe(201);
  return res.body.need.id;
}

const needStatus = async (id: string) =>
  (await w.database.db.selectFrom('needs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const act = (id: string, action: string, role: Parameters<PassWorld['json']>[2], body?: unknown) =>
  w.json<{ status: string }>('POST', `/api/passes/${id}/${action}`, role, body);

describe('medical_pass need > pass', () => {
  it('continues the need as a pass; the need follows the loop to delivered', async () => {
    const needId = await submitNeed('2026-03-02T10:00:00Z');
    expect((await w.json('POST', `/api/needs/${needId}/pass`, 'driver', { person: 'Li Na', hospitalId: w.hospitalId })).status).toBe(403);
    const made = await w.json<{ id: string; status: string; reason: string; needsWheelchair: boolean; appointmentAt: string }>(
      'POST', `/api/needs/${needId}/pass`, 'resident', { person: 'Li Na', hospitalId: w.hospitalId });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'applied', reason: 'chemotherapy', needsWheelchair: true, appointmentAt: '2026-03-02T10:00:00.000Z' });
    expect(await needStatus(needId)).toBe('planned');
    expect((await w.json('POST', `/api/needs/${needId}/pass`, 'community_staff', { person: 'Li Na', hospitalId: w.hospitalId })).body)
      .toMatchObject({ from: 'planned', to: 'planned' });

    const id = made.body.id;
    const audits = await w.database.db.selectFrom('audit_log').select(['action', 'actor_role']).where('subject_type', '=', 'pass').where('subject_id', '=', id).execute();
    expect(audits).toEqual([{ action: 'pass.from_need', actor_role: 'resident' }]);
    for (const a of ['review', 'approve', 'issue']) await act(id, a, 'community_staff');
    expect(await needStatus(needId)).toBe('out_for_delivery');
    for (const a of ['outbound-done', 'at-hospital', 'return-done']) await act(id, a, 'driver');
    expect((await act(id, 'return', 'community_staff')).body.status).toBe('returned');
    expect(await needStatus(needId)).toBe('delivered');
  });

  it('a refused pass cancels its need', async () => {
    const needId = await submitNeed('2026-03-03T10:00:00Z');
    const made = await w.json<{ id: string }>('POST', `/api/needs/${needId}/pass`, 'community_staff', { person: 'Li Na', hospitalId: w.hospitalId });
    expect(made.status).toBe(201);
    await act(made.body.id, 'review', 'community_staff');
    await act(made.body.id, 'refuse', 'community_staff', { reason: 'seen by the visiting doctor instead' });
    expect(await needStatus(needId)).toBe('cancelled');
  });
});
