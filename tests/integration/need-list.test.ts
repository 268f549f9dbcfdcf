/**
 * GET /api/communities/:communityId/needs (issue #17, item 3): each filter returns exactly the needs
 * computed here from the tables (in JavaScript, not with the route's SQL), pages hold every need
 * once, each overview need figure's href lists exactly `count` needs (the link and the number
 * agree), no row carries details (nor a medical failure reason), staff of another community are
 * refused (audited), and bad input is refused naming the field.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeedListResponse, NeedListRow } from '../../src/contracts/need-list.contract';
import type { OverviewResponse } from '../../src/contracts/overview.contract';
import { foodCycleAt } from '../../src/domain/food-cycle';
import type { NeedKind } from '../../src/domain/kinds';
import type { NeedStatus } from '../../src/domain/need-status';
import { startWorld, type World } from './auth.fixture';
import { needScene } from './desk.fixtures';

let world: World;
let dispatcher: string;
let staff: string;
let cycleId: string;
let since: Date;
let wasteId: string;
const DRUG = 'Zzneedlistol';

interface Stored { id: string; community_id: string; corridor_id: string; household_id: string | null; kind: string; status: string; cycle: string | null; failure_reason: string | null; updated_at: Date }
let stored: Stored[];
/** Per need, the reason its latest round (by start, then id) left it unserved, with that round's start. */
const latest = new Map<string, { reason: string | null; at: Date; roundId: string }>();

beforeAll(async () => {
  world = await startWorld('need_list');
  const db = world.database.db;
  const { grid } = world;
  const cycle = foodCycleAt(new Date(), world.config.FOOD_CYCLE_DAYS);
  cycleId = cycle.id;
  since = cycle.start;
  await needScene(world, cycleId);
  const need = (v: { household: string; corridor: string; community: string; kind: NeedKind; key: string; status: NeedStatus; cycle?: string; details?: unknown; reason?: string | null; updatedAt?: Date }) =>
    db.insertInto('needs').values({
      household_id: v.household, corridor_id: v.corridor, community_id: v.community, kind: v.kind, identity_key: v.key, details: JSON.stringify(v.details ?? { quantity: 1 }),
      status: v.status, cycle: v.cycle ?? null, failure_reason: v.reason ?? null, created_by: 'test', ...(v.updatedAt ? { updated_at: v.updatedAt } : {}),
    }).execute();
  // A medicine need that failed: neither its drug nor its free-text reason may reach a row.
  await need({ household: grid.h2, corridor: grid.c1, community: grid.m1, kind: 'medicine', key: DRUG, status: 'failed', details: { drug: DRUG, strength: '5 mg', quantity: 1, urgency: 'today' }, reason: `medicine could not be bought: ${DRUG}` });
  await need({ household: grid.h3, corridor: grid.c2, community: grid.m1, kind: 'gas', key: 'gas', status: 'failed', reason: null });
  // A package of an earlier cycle delivered before the window: listed in full, left out once `since` applies.
  await need({ household: grid.h1, corridor: grid.c1, community: grid.m1, kind: 'food_package', key: 'earlier', cycle: 'earlier', status: 'delivered', details: { cycle: 'earlier' }, updatedAt: new Date(since.getTime() - 86_400_000) });
  for (const n of [1, 2, 3]) await need({ household: grid.h2, corridor: grid.c1, community: grid.m1, kind: 'oil', key: `oil-${n}`, status: 'accepted' });
  // A corridor's waste pickup has no household (typed loosely: written as the migration allows).
  wasteId = (await sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
    values (null, ${grid.c1}, ${grid.m1}, 'waste_pickup', 'ordinary', ${JSON.stringify({ bags: 2, kg: 6, category: 'ordinary' })}, 'accepted', 'test') returning id`.execute(db)).rows[0]!.id;

  stored = (await db.selectFrom('needs').select(['id', 'community_id', 'corridor_id', 'household_id', 'kind', 'status', 'cycle', 'failure_reason', 'updated_at']).execute()) as Stored[];
  const taken = await db.selectFrom('round_needs as rn').innerJoin('rounds as r', 'r.id', 'rn.round_id')
    .leftJoin('round_unserved as u', (j) => j.onRef('u.round_id', '=', 'rn.round_id').onRef('u.need_id', '=', 'rn.need_id'))
    .select(['rn.need_id', 'r.id as round_id', 'r.created_at', 'u.reason']).execute();
  for (const t of taken) {
    const at = new Date(t.created_at);
    const seen = latest.get(t.need_id);
    if (!seen || at > seen.at || (at.getTime() === seen.at.getTime() && t.round_id > seen.roundId)) latest.set(t.need_id, { reason: t.reason ?? null, at, roundId: t.round_id });
  }
  dispatcher = await world.login('dispatcher');
  staff = await world.login('community_staff');
}, 60_000);
afterAll(async () => world?.close());

const path = (communityId: string, query = '') => `/api/communities/${communityId}/needs${query}`;

async function list(communityId: string, query = '', token = dispatcher): Promise<NeedListResponse> {
  const res = await world.request('GET', path(communityId, query), { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as NeedListResponse;
}

/** Every row of a listing, page by page (`limit` per page), following nextOffset. */
async function allPages(url: string, limit: number, token = dispatcher): Promise<NeedListRow[]> {
  const rows: NeedListRow[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const res = await world.request('GET', `${url}${url.includes('?') ? '&' : '?'}limit=${limit}&offset=${offset}`, { token });
    expect(res.status, `${url}: ${await res.clone().text()}`).toBe(200);
    const page = (await res.json()) as NeedListResponse;
    expect(page.needs.length).toBeLessThanOrEqual(limit);
    rows.push(...page.needs);
    offset = page.nextOffset;
  }
  return rows;
}

const sorted = (ids: readonly string[]) => [...ids].sort();
const idsOf = (rows: readonly NeedListRow[]) => sorted(rows.map((r) => r.id));
const expectedIds = (communityId: string, keep: (n: Stored) => boolean) => sorted(stored.filter((n) => n.community_id === communityId && keep(n)).map((n) => n.id));

describe('GET /api/communities/:communityId/needs', () => {
  it('lists every need of the community newest first, with the corridor and address by name and nothing else', async () => {
    const { grid } = world;
    const { needs, nextOffset } = await list(grid.m1, '?limit=500');
    expect(nextOffset).toBeNull();
    expect(idsOf(needs)).toEqual(expectedIds(grid.m1, () => true));
    const times = needs.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const households = new Map((await world.database.db.selectFrom('households').select(['id', 'address']).execute()).map((h) => [h.id, h.address]));
    const corridors = new Map((await world.database.db.selectFrom('areas').select(['id', 'name']).execute()).map((a) => [a.id, a.name]));
    for (const row of needs) {
      const n = stored.find((s) => s.id === row.id)!;
      expect(Object.keys(row).sort()).toEqual(['address', 'corridorId', 'corridorName', 'createdAt', 'failureReason', 'id', 'kind', 'status', 'unservedReason', 'updatedAt', 'urgency']);
      expect(row).toMatchObject({ kind: n.kind, status: n.status, corridorName: corridors.get(n.corridor_id), address: n.household_id ? households.get(n.household_id) : null });
      expect(row.unservedReason).toBe(latest.get(row.id)?.reason ?? null);
    }
    expect(needs.find((r) => r.id === wasteId)).toMatchObject({ address: null, corridorName: 'C1' });
  });

  it('filters by kind, status, cycle, failure reason, unserved reason and last change, alone and together', async () => {
    const { m1, m2 } = world.grid;
    const iso = since.toISOString();
    const cases: [string, string, (n: Stored) => boolean][] = [
      [m1, '?kind=oil,rice', (n) => ['oil', 'rice'].includes(n.kind)],
      [m1, '?status=failed,cancelled', (n) => ['failed', 'cancelled'].includes(n.status)],
      [m1, `?cycle=${encodeURIComponent(cycleId)}`, (n) => n.cycle === cycleId],
      [m1, `?kind=food_package&cycle=${encodeURIComponent(cycleId)}&status=delivered`, (n) => n.kind === 'food_package' && n.cycle === cycleId && n.status === 'delivered'],
      [m1, '?failureReason=unknown', (n) => n.status === 'failed' && n.failure_reason === null],
      [m1, `?status=failed&failureReason=${encodeURIComponent('delivery failed at the stop')}`, (n) => n.status === 'failed' && n.failure_reason === 'delivery failed at the stop'],
      [m1, `?since=${encodeURIComponent(iso)}`, (n) => new Date(n.updated_at) >= since],
      [m1, `?kind=food_package&status=delivered&since=${encodeURIComponent(iso)}`, (n) => n.kind === 'food_package' && n.status === 'delivered' && new Date(n.updated_at) >= since],
      [m2, '?status=accepted&unservedReason=no-vehicle', (n) => n.status === 'accepted' && latest.get(n.id)?.reason === 'no-vehicle'],
      [m2, `?unservedReason=no-vehicle&since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`, () => false],
      [m2, '?unservedReason=fleet-exhausted', (n) => latest.get(n.id)?.reason === 'fleet-exhausted'],
    ];
    for (const [community, query, keep] of cases) {
      const want = expectedIds(community, keep);
      expect(idsOf((await list(community, `${query}&limit=500`)).needs), query).toEqual(want);
    }
    // Each filter above that should find something did (no case passes by finding nothing).
    expect((await list(m1, '?failureReason=unknown')).needs.map((n) => n.kind)).toEqual(['gas']);
    expect((await list(m2, '?unservedReason=no-vehicle')).needs.map((n) => n.kind)).toEqual(['rice']);
    const delivered = (await list(m1, '?kind=food_package&status=delivered')).needs.length;
    expect(delivered).toBeGreaterThan(1);
    expect((await list(m1, `?kind=food_package&status=delivered&since=${encodeURIComponent(iso)}`)).needs).toHaveLength(delivered - 1);
  });

  it('pages with limit and offset: every need once, in order', async () => {
    const all = (await list(world.grid.m1, '?limit=500')).needs.map((n) => n.id);
    expect(all.length).toBeGreaterThan(5);
    expect((await allPages(path(world.grid.m1), 2)).map((n) => n.id)).toEqual(all);
    expect((await list(world.grid.m1, `?limit=2&offset=${all.length - 2}`)).nextOffset).toBeNull();
  });

  it('each overview need figure links to exactly its count of needs', async () => {
    const res = await world.request('GET', '/api/overview', { token: dispatcher });
    const body = (await res.json()) as OverviewResponse;
    const figures = body.communities.flatMap((c) => [
      ...c.needs.map((f) => ({ what: `${c.communityName} ${f.kind}/${f.status}`, count: f.count, href: f.href })),
      { what: `${c.communityName} cycle`, count: c.cycle.owed, href: c.cycle.href },
      ...c.unserved.map((f) => ({ what: `${c.communityName} unserved ${f.reason}`, count: f.count, href: f.href })),
      ...c.failed.map((f) => ({ what: `${c.communityName} failed ${f.reason}`, count: f.count, href: f.href })),
    ]);
    expect(figures.length).toBeGreaterThan(8);
    expect(figures.filter((f) => f.count > 0).length).toBeGreaterThan(8);
    for (const f of figures) {
      expect(f.href, f.what).toMatch(/^\/api\/communities\/[0-9a-f-]{36}\/needs\?/);
      expect((await allPages(f.href, 2)).length, f.what).toBe(f.count);
    }
  });

  it('never shows details, nor the failure reason of a medical kind', async () => {
    const res = await world.request('GET', path(world.grid.m1, '?limit=500'), { token: dispatcher });
    const text = await res.text();
    expect(text).not.toContain(DRUG);
    expect(text).not.toContain('"details"');
    const rows = (JSON.parse(text) as NeedListResponse).needs;
    expect(rows.find((r) => r.kind === 'medicine')).toMatchObject({ status: 'failed', failureReason: null });
    expect(rows.find((r) => r.kind === 'gas')).toMatchObject({ status: 'failed', failureReason: null });
    expect(rows.filter((r) => r.kind === 'food_package' && r.status === 'failed').map((r) => r.failureReason)).toEqual(['delivery failed at the stop']);
  });

  it('community staff read their community; another community is refused and audited; other roles too', async () => {
    const { m1, m2 } = world.grid;
    expect(idsOf((await list(m1, '?limit=500', staff)).needs)).toEqual(expectedIds(m1, () => true));
    const denied = async (userId: string) => Number((await sql<{ n: string }>`select count(*)::text as n from audit_log where actor_id = ${userId} and outcome = 'denied' and action = 'community.needs.read'`.execute(world.database.db)).rows[0]?.n);
    const before = await denied(world.users.community_staff.id);
    const res = await world.request('GET', path(m2), { token: staff });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await denied(world.users.community_staff.id)).toBe(before + 1);
    for (const role of ['resident', 'coordinator', 'driver'] as const) {
      expect((await world.request('GET', path(m1), { token: await world.login(role) })).status, role).toBe(403);
    }
    expect((await list(m2, '', await world.login('admin'))).needs.length).toBeGreaterThan(0);
    expect((await world.request('GET', path(crypto.randomUUID()), { token: dispatcher })).status).toBe(404);
    expect((await world.request('GET', path(world.grid.c1), { token: dispatcher })).status).toBe(404);
    expect((await world.request('GET', path(m1))).status).toBe(401);
  });

  it('bad filters are refused with problem+json naming the field', async () => {
    const cases: [string, string][] = [
      ['?kind=lorry', 'kind'], ['?kind=rice,lorry', 'kind'], ['?status=done', 'status'], ['?since=monday', 'since'], ['?unservedReason=No%20vehicle', 'unservedReason'],
      ['?failureReason=', 'failureReason'], [`?cycle=${'x'.repeat(33)}`, 'cycle'], ['?limit=0', 'limit'], ['?limit=501', 'limit'], ['?offset=-1', 'offset'], ['?communityId=x', 'communityId'],
    ];
    for (const [query, field] of cases) {
      const res = await world.request('GET', path(world.grid.m1, query), { token: dispatcher });
      expect(res.status, query).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = (await res.json()) as { errors?: { path: (string | number)[] }[] };
      expect(body.errors?.map((e) => String(e.path[0])), query).toContain(field);
    }
    const res = await world.request('GET', '/api/communities/nope/needs', { token: dispatcher });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path[0])).toContain('communityId');
  });
});
