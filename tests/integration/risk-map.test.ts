/**
 * The risk map through the API (issue #15, item 4) on PostgreSQL: an area's control status and risk
 * level changed with a reason, kept in its history (who, when, from, to, why), audited; admins
 * anywhere, community staff inside their communities, unit chiefs and dispatchers read only;
 * codes the district has not configured refused naming the field; the configured lists served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};
// A district of its own: three statuses of its own and the five colours.
const CONTROL_STATUSES = JSON.stringify([
  { code: 'lockdown', label: { en: 'Lockdown', zh: '封控区' }, colour: '#7f0000' },
  { code: 'controlled', label: { en: 'Controlled', zh: '管控区' }, colour: '#b35806' },
  { code: 'watch', label: { en: 'Watch', zh: '防范区' }, colour: '#2b6cb0' },
]);

beforeAll(async () => {
  w = await startWorld('riskmap', { env: { CONTROL_STATUSES } });
  for (const role of ['admin', 'community_staff', 'coordinator', 'dispatcher', 'resident'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

type Change = { id: string; at: string; actorName: string | null; actorRole: string | null; from: { controlStatus: string; riskColour: string }; to: { controlStatus: string; riskColour: string }; reason: string };
type Result = { area: { id: string; controlStatus: string; riskColour: string }; change: Change | null };
type Problem = { errors?: { path: string[] }[] };

const set = (id: string, body: unknown, token = tokens.admin) => w.request('PATCH', `/api/areas/${id}/risk`, { token, body });
const history = (id: string, token = tokens.admin, query = '') => w.request('GET', `/api/areas/${id}/risk/history${query}`, { token });
const auditOf = (subjectId: string) =>
  w.database.db.selectFrom('audit_log').select(['action', 'outcome', 'actor_role']).where('subject_id', '=', subjectId).where('action', '=', 'area.risk_change').orderBy('id').execute();
const pathsOf = async (res: Response) => ((await res.json()) as Problem).errors?.map((e) => e.path.join('.')).sort();
async function changed(id: string, body: unknown, token = tokens.admin): Promise<Result> {
  const res = await set(id, body, token);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Result;
}

describe('risk map', () => {
  it('serves the configured statuses and levels (the five colours by default) to any signed-in page', async () => {
    const res = await w.request('GET', '/api/risk-map/settings', { token: tokens.resident });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { controlStatuses: { code: string }[]; riskLevels: { code: string; label: { zh: string }; colour: string }[] };
    expect(body.controlStatuses.map((s) => s.code)).toEqual(['lockdown', 'controlled', 'watch']);
    expect(body.riskLevels.map((l) => l.code)).toEqual(['red', 'orange', 'yellow', 'blue', 'green']);
    expect(body.riskLevels[0]).toMatchObject({ label: { zh: '高风险' }, colour: expect.stringMatching(/^#[0-9a-f]{6}$/i) });
    expect((await w.request('GET', '/api/risk-map/settings')).status).toBe(401);
  });

  it('an admin seals a corridor and raises its colour: the area shows it, its history says who, when, from, to and why, audited', async () => {
    const first = await changed(w.grid.c2, { controlStatus: 'lockdown', riskColour: 'red', reason: 'Case confirmed in unit 2 (notice 14)' });
    expect(first.area).toMatchObject({ id: w.grid.c2, controlStatus: 'lockdown', riskColour: 'red' });
    expect(first.change).toMatchObject({ from: { controlStatus: 'controlled', riskColour: 'green' }, to: { controlStatus: 'lockdown', riskColour: 'red' }, actorRole: 'admin' });
    const second = await changed(w.grid.c2, { riskColour: 'orange', reason: 'Seven days without a case' });
    expect(second.area).toMatchObject({ controlStatus: 'lockdown', riskColour: 'orange' });

    const read = (await (await w.request('GET', `/api/areas/${w.grid.c2}`, { token: tokens.admin })).json()) as { area: { controlStatus: string; riskColour: string } };
    expect(read.area).toMatchObject({ controlStatus: 'lockdown', riskColour: 'orange' });

    const res = await history(w.grid.c2);
    expect(res.status).toBe(200);
    const { changes } = (await res.json()) as { changes: Change[] };
    expect(changes.map((c) => [c.from.riskColour, c.to.riskColour, c.reason, c.actorName, c.actorRole])).toEqual([
      ['red', 'orange', 'Seven days without a case', w.users.admin.username, 'admin'],
      ['green', 'red', 'Case confirmed in unit 2 (notice 14)', w.users.admin.username, 'admin'],
    ]);
    expect(Date.parse(changes[0]!.at)).toBeGreaterThanOrEqual(Date.parse(changes[1]!.at));
    // Paging on: older than the newest.
    const older = (await (await history(w.grid.c2, tokens.admin, `?limit=1&before=${changes[0]!.id}`)).json()) as { changes: Change[] };
    expect(older.changes.map((c) => c.id)).toEqual([changes[1]!.id]);
    expect(await auditOf(w.grid.c2)).toEqual([
      { action: 'area.risk_change', outcome: 'allowed', actor_role: 'admin' },
      { action: 'area.risk_change', outcome: 'allowed', actor_role: 'admin' },
    ]);
  });

  it('the same status and level again changes nothing: no history row (the request is still audited)', async () => {
    await changed(w.grid.b2, { controlStatus: 'watch', reason: 'Outside the sealed zone' });
    const again = await changed(w.grid.b2, { controlStatus: 'watch', riskColour: 'green', reason: 'Outside the sealed zone' });
    expect(again.change).toBeNull();
    expect(((await (await history(w.grid.b2)).json()) as { changes: Change[] }).changes).toHaveLength(1);
    expect(await auditOf(w.grid.b2)).toHaveLength(2);
  });

  it('refuses codes the district has not configured, and a change without a reason, naming the field; nothing written', async () => {
    const unknown = await set(w.grid.c1, { controlStatus: 'sealed', riskColour: 'purple', reason: 'x' });
    expect(unknown.status).toBe(422);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    // 'sealed' is a default status, but this district configured its own.
    expect(await pathsOf(unknown)).toEqual(['controlStatus', 'riskColour']);
    expect(await pathsOf(await set(w.grid.c1, { riskColour: 'red' }))).toEqual(['reason']);
    expect(await pathsOf(await set(w.grid.c1, { riskColour: 'red', reason: '   ' }))).toEqual(['reason']);
    expect(await pathsOf(await set(w.grid.c1, { reason: 'nothing named' }))).toEqual(['controlStatus']);
    expect(await pathsOf(await set(w.grid.c1, { riskColour: 'red', reason: 'x', colour: 'red' }))).toEqual(['colour']);
    expect((await set('00000000-0000-4000-8000-000000000000', { riskColour: 'red', reason: 'x' })).status).toBe(404);
    expect(((await (await history(w.grid.c1)).json()) as { changes: Change[] }).changes).toEqual([]);
    expect(await auditOf(w.grid.c1)).toEqual([]);
  });

  it('community staff change areas of their communities only; unit chiefs and dispatchers only read (403, audited)', async () => {
    const mine = await changed(w.grid.m1, { controlStatus: 'lockdown', reason: 'Community sealed by the street office' }, tokens.community_staff);
    expect(mine.change).toMatchObject({ actorRole: 'community_staff' });
    expect((await set(w.grid.c1, { riskColour: 'yellow', reason: 'Contacts traced' }, tokens.community_staff)).status).toBe(200);
    expect((await set(w.grid.c3, { riskColour: 'yellow', reason: 'Not theirs' }, tokens.community_staff)).status).toBe(403);
    expect((await set(w.grid.street, { riskColour: 'yellow', reason: 'Above their community' }, tokens.community_staff)).status).toBe(403);
    for (const role of ['coordinator', 'dispatcher', 'resident'] as const) expect((await set(w.grid.c1, { riskColour: 'red', reason: 'Not theirs to change' }, tokens[role])).status).toBe(403);
    expect((await auditOf(w.grid.c3)).at(-1)).toMatchObject({ outcome: 'denied', actor_role: 'community_staff' });
    expect((await auditOf(w.grid.c1)).map((r) => `${r.actor_role}:${r.outcome}`)).toEqual(['community_staff:allowed', 'coordinator:denied', 'dispatcher:denied', 'resident:denied']);
    // Reading the history: the unit chief of c1 and the dispatcher may, the chief not for c3.
    expect((await history(w.grid.c1, tokens.coordinator)).status).toBe(200);
    expect((await history(w.grid.c1, tokens.dispatcher)).status).toBe(200);
    expect((await history(w.grid.c3, tokens.coordinator)).status).toBe(403);
  });

  it('a retired area no longer changes (409)', async () => {
    const res = await w.request('POST', '/api/areas', { token: tokens.admin, body: { kind: 'corridor', name: 'Short-lived', parentId: w.grid.b1 } });
    const { id } = (await res.json()) as { id: string };
    expect((await w.request('POST', `/api/areas/${id}/retire`, { token: tokens.admin })).status).toBe(200);
    expect((await set(id, { riskColour: 'red', reason: 'Too late' })).status).toBe(409);
  });
});
