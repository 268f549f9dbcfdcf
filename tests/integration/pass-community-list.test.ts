/**
 * The community's pass list for its staff: one read instead of one per household, filtered by
 * status, only the community's own passes, refused (403, audited) to other roles and communities.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { FAST_SCRYPT, PASSWORD } from './auth.fixture';
import { startPassWorld, type PassWorld } from './pass.fixture';

let w: PassWorld;
type PassBody = { id: string; status: string; householdId: string; reason?: string };
type ListBody = { passes: PassBody[] };
const ids: Record<string, string> = {};

async function apply(token: string, householdId: string, person: string, appointmentAt: string): Promise<string> {
  const res = await w.request('POST', `/api/households/${householdId}/passes`, { token, body: { person, hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt } });
  expect(res.status).toBe(201);
  return ((await res.json()) as PassBody).id;
}

beforeAll(async () => {
  w = await startPassWorld('pass_community_list');
  ids.later = await apply(w.tokens.resident, w.grid.h1, 'Later', '2026-03-03T10:00:00Z');
  ids.sooner = await apply(w.tokens.coordinator, w.grid.h2, 'Sooner', '2026-03-02T10:00:00Z');
  // A pass in the other community (m2), applied for by a resident of h4.
  const other = await createAccount(w.deps, { username: 'list.res4', password: PASSWORD, role: 'resident', assignments: { householdId: w.grid.h4 } }, { scryptCost: FAST_SCRYPT });
  const login = await w.request('POST', '/api/auth/login', { body: { username: other.username, password: PASSWORD } });
  ids.elsewhere = await apply(((await login.json()) as { token: string }).token, w.grid.h4, 'Elsewhere', '2026-03-02T09:00:00Z');
  expect((await w.json('POST', `/api/passes/${ids.sooner}/review`, 'community_staff')).status).toBe(200);
});
afterAll(async () => {
  await w?.close();
});

describe('community pass list', () => {
  it('lists the community\'s passes for its staff, soonest appointment first, with the reason', async () => {
    const res = await w.json<ListBody>('GET', `/api/communities/${w.grid.m1}/passes`, 'community_staff');
    expect(res.status).toBe(200);
    expect(res.body.passes.map((p) => p.id)).toEqual([ids.sooner, ids.later]);
    expect(res.body.passes[0]).toMatchObject({ status: 'under_review', householdId: w.grid.h2, reason: 'dialysis' });
  });

  it('filters by status (comma-separated); an unknown status is a 422 at the query', async () => {
    const review = await w.json<ListBody>('GET', `/api/communities/${w.grid.m1}/passes?status=applied`, 'community_staff');
    expect(review.body.passes.map((p) => p.id)).toEqual([ids.later]);
    const both = await w.json<ListBody>('GET', `/api/communities/${w.grid.m1}/passes?status=applied,under_review&limit=1`, 'community_staff');
    expect(both.body.passes.map((p) => p.id)).toEqual([ids.sooner]);
    const bad = await w.json<{ errors: { path: string[]; in?: string }[] }>('GET', `/api/communities/${w.grid.m1}/passes?status=lost`, 'community_staff');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]?.in).toBe('query');
  });

  it('admins see any community; other roles and other communities are refused and audited', async () => {
    const admin = await w.json<ListBody>('GET', `/api/communities/${w.grid.m2}/passes`, 'admin');
    expect(admin.body.passes.map((p) => p.id)).toEqual([ids.elsewhere]);
    expect((await w.json('GET', `/api/communities/${w.grid.m2}/passes`, 'community_staff')).status).toBe(403);
    for (const role of ['resident', 'coordinator', 'dispatcher', 'driver'] as const) expect((await w.json('GET', `/api/communities/${w.grid.m1}/passes`, role)).status).toBe(403);
    const denied = await sql<{ actor_role: string }>`select actor_role from audit_log where action = 'pass.list' and outcome = 'denied'`.execute(w.database.db);
    expect(denied.rows.map((d) => d.actor_role).sort()).toEqual(['community_staff', 'coordinator', 'dispatcher', 'driver', 'resident']);
  });
});
