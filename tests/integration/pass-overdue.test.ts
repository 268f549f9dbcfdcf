/**
 * The overdue sweep with a controllable clock: passes out past their window become overdue once
 * (alert stored for the community and dispatch), passes still inside it are untouched, and a
 * pass whose appointment passed before it went out expires. A late return still closes the loop.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPassAlerts } from '../../src/services/passes/pass-alerts';
import { sweepPasses } from '../../src/services/passes/pass-sweep.service';
import { createLivePublisher } from '../../src/services/live-status/live.service';
import { storeOnlyStream } from '../../src/services/passes/pass-alerts';
import { createLogger } from '../../src/shared/logger';
import { startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;

beforeAll(async () => {
  w = await startPassWorld('pass_overdue');
});
afterAll(async () => {
  await w?.close();
});

const sweep = () => {
  const logger = createLogger({ level: 'silent' });
  const publisher = createLivePublisher({ db: w.database.db as never, stream: storeOnlyStream, clock: w.clock, logger });
  return sweepPasses({ db: w.database.db, clock: w.clock, alerts: createPassAlerts(publisher, logger) });
};

async function issuedPass(appointmentAt: string, validUntil?: string): Promise<string> {
  const res = await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
    person: 'Zhang Min', hospitalId: w.hospitalId, reason: 'check-up', appointmentAt, visitMinutes: 60,
  });
  const id = res.body.id;
  for (const action of ['review', 'approve']) await w.json('POST', `/api/passes/${id}/${action}`, 'community_staff');
  const issued = await w.json<{ status: string }>('POST', `/api/passes/${id}/issue`, 'community_staff', validUntil ? { validUntil } : {});
  expect(issued.body.status).toBe('issued');
  return id;
}

const statusOf = async (id: string) => (await w.json<{ status: string }>('GET', `/api/passes/${id}`, 'community_staff')).body.status;

describe('overdue detection', () => {
  it('marks passes out past their window overdue, once, and alerts; leaves the others', async () => {
    const late = await issuedPass('2026-03-01T10:00:00Z', '2026-03-01T14:00:00Z');
    const onTime = await issuedPass('2026-03-01T10:00:00Z', '2026-03-01T20:00:00Z');
    await w.json('POST', `/api/passes/${late}/outbound-done`, 'driver');

    w.clock.set('2026-03-01T13:59:00Z');
    expect((await sweep()).overdue).toHaveLength(0);

    w.clock.set('2026-03-01T14:01:00Z');
    const first = await sweep();
    expect(first.overdue.map((p) => p.id)).toEqual([late]);
    expect((await sweep()).overdue).toHaveLength(0); // nothing twice
    // The sweep's move is audited once, as the system's (no actor), in the move's own statement.
    const audited = await w.database.db.selectFrom('audit_log').select(['action', 'actor_id', 'outcome']).where('subject_type', '=', 'pass').where('subject_id', '=', late).where('action', '=', 'pass.overdue').execute();
    expect(audited).toEqual([{ action: 'pass.overdue', actor_id: null, outcome: 'allowed' }]);
    await w.relogin();
    expect(await statusOf(late)).toBe('overdue');
    expect(await statusOf(onTime)).toBe('issued');

    const alerts = await sql<{ scope: string; payload: { kind: string; subjectId: string } }>`
      select scope, payload from live_events where type = 'alert.raised' order by scope`.execute(w.database.db);
    const forLate = alerts.rows.filter((a) => a.payload.subjectId === late);
    expect(forLate.map((a) => a.scope)).toEqual([`community:${w.grid.m1}`, 'dispatch']);
    expect(forLate.every((a) => a.payload.kind === 'pass_overdue')).toBe(true);
    expect(JSON.stringify(alerts.rows)).not.toContain('check-up');

    // Overdue does not verify, but the resident still comes home and the pass is taken back.
    for (const action of ['return-done', 'return']) {
      const role = action === 'return' ? 'community_staff' : 'driver';
      expect((await w.json('POST', `/api/passes/${late}/${action}`, role)).status).toBe(200);
    }
    expect(await statusOf(late)).toBe('returned');

    w.clock.set('2026-03-01T20:01:00Z');
    expect((await sweep()).overdue.map((p) => p.id)).toEqual([onTime]);
  });

  it('reports passes issued / out / overdue / returned per community and day', async () => {
    const res = await w.json<{ days: { communityId: string; day: string; issued: number; out: number; overdue: number; returned: number }[] }>(
      'GET', '/api/reports/passes?from=2026-03-01&to=2026-03-01', 'community_staff');
    expect(res.status).toBe(200);
    expect(res.body.days).toEqual([{ communityId: w.grid.m1, day: '2026-03-01', issued: 2, out: 1, overdue: 2, returned: 1 }]);
    expect((await w.json('GET', '/api/reports/passes?from=2026-03-01&to=2026-03-01', 'driver')).status).toBe(403);
    expect((await w.json('GET', '/api/reports/passes?from=2026-03-02&to=2026-03-01', 'dispatcher')).status).toBe(422);
  });

  it('expires a pass whose appointment passed before it was issued', async () => {
    w.clock.set('2026-03-05T06:00:00Z');
    await w.relogin();
    const res = await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
      person: 'Zhang Min', hospitalId: w.hospitalId, reason: 'check-up', appointmentAt: '2026-03-05T09:00:00Z',
    });
    await w.json('POST', `/api/passes/${res.body.id}/review`, 'community_staff');
    w.clock.set('2026-03-05T09:01:00Z');
    const out = await sweep();
    expect(out.expired.map((p) => p.id)).toEqual([res.body.id]);
    await w.relogin();
    expect(await statusOf(res.body.id)).toBe('expired');
  });
});
