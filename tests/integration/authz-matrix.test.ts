/**
 * The authorization matrix: every role x every target (own household / other household in the same
 * corridor / other corridor / other community, and the corridors, communities, areas, drivers and
 * accounts around them) x every route that takes an id, on the real app and PostgreSQL.
 * Each cross-access must be refused (403/404 problem) AND leave a 'denied' row in the audit log;
 * each allowed access must work. Routes are read from the app's router: a route with an id that
 * has no entry in ROUTES below fails the test until someone says who may use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  ROLES,
  canAccessCommunity,
  canAccessCorridor,
  canAccessHousehold,
  mayReadMedicalDetails,
  type Actor,
  type HouseholdScope,
  type Role,
} from '../../src/domain/access';
import { startWorld, type Grid, type World } from './auth.fixture';
import { listRoutes, type RouteInfo } from './authz.routes';

type Kind = 'household' | 'need' | 'corridor' | 'community' | 'area' | 'driver' | 'user' | 'round';

interface Target {
  label: string;
  id: string;
  /** The household behind a household or need target. */
  scope?: HouseholdScope;
  /** Area targets: kind and community. */
  area?: { kind: 'district' | 'street' | 'community' | 'building' | 'corridor'; communityId: string | null; corridorIds: string[] };
  /** Corridor targets: the address of a household in it (for the CSV import). */
  address?: string;
}

interface RouteSpec {
  kind: Kind;
  allowed: (actor: Actor, t: Target) => boolean;
  body?: (t: Target) => unknown;
  headers?: Record<string, string>;
  /** The path parameter that names the target. Default: the first one. */
  idParam?: string;
  /** Fixed values of the other path parameters (e.g. `{ action: 'cancel' }`). */
  params?: Record<string, string>;
}

/** A medicine need whose words must never reach the audit log. */
const MARKER = { drug: 'Zzmatrixolol', strength: '7.5 mg matrix' };
const medicine = { kind: 'medicine', details: { drug: MARKER.drug, strength: MARKER.strength, quantity: 2, urgency: 'today' } };

const household = (a: Actor, t: Target) => t.scope !== undefined && canAccessHousehold(a, t.scope);
const STAFF: Role[] = ['coordinator', 'community_staff', 'dispatcher', 'admin'];
function area(a: Actor, t: Target): boolean {
  const x = t.area;
  if (!x) return false;
  if (x.kind === 'corridor') return canAccessCorridor(a, t.id, x.communityId ?? '');
  if (x.communityId === null) return STAFF.includes(a.role);
  // A coordinator sees the community and building their corridors lie in, no more.
  if (a.role === 'coordinator') return x.corridorIds.some((c) => a.corridorIds.includes(c));
  return canAccessCommunity(a, x.communityId);
}
const adminOnly = (a: Actor) => a.role === 'admin';
/** Planning rounds are district-wide work: dispatchers and admins. */
const planners = (a: Actor) => a.role === 'dispatcher' || a.role === 'admin';
const corridor = (a: Actor, t: Target) => canAccessCorridor(a, t.id, t.area?.communityId ?? '');
const IMPORT_ROLES: Role[] = ['coordinator', 'community_staff', 'admin'];

/** Who may use each route that takes an id (several variants for e.g. an `:action` parameter). Add new routes here. */
const ROUTES: Record<string, RouteSpec | RouteSpec[]> = {
  'GET /api/households/:householdId': { kind: 'household', allowed: household },
  'GET /api/households/:householdId/needs': { kind: 'household', allowed: household },
  'POST /api/households/:householdId/needs': { kind: 'household', allowed: household, body: () => medicine },
  'GET /api/needs/:needId': { kind: 'need', allowed: household },
  'POST /api/needs/:needId/cancel': { kind: 'need', allowed: household, body: () => ({}) },
  'GET /api/areas/:areaId': { kind: 'area', allowed: area },
  'GET /api/corridors/:corridorId/households': { kind: 'corridor', allowed: corridor },
  'POST /api/corridors/:corridorId/needs/import': {
    kind: 'corridor',
    allowed: (a, t) => IMPORT_ROLES.includes(a.role) && corridor(a, t),
    body: (t) => `address,kind,kg\n${t.address ?? ''},rice,5\n`,
    headers: { 'content-type': 'text/csv' },
  },
  'GET /api/communities/:communityId/households': { kind: 'community', allowed: (a, t) => canAccessCommunity(a, t.id) },
  'GET /api/rounds/:roundId': { kind: 'round', allowed: planners },
  'GET /api/rounds/:roundId/proposal': { kind: 'round', allowed: planners },
  'POST /api/rounds/:roundId/approve': { kind: 'round', allowed: planners },
  'POST /api/rounds/:roundId/dispatch': { kind: 'round', allowed: planners },
  'GET /api/admin/users/:userId': { kind: 'user', allowed: adminOnly },
  'PUT /api/admin/users/:userId/assignments': { kind: 'user', allowed: adminOnly, body: () => ({}) },
  'POST /api/admin/users/:userId/revoke-sessions': { kind: 'user', allowed: adminOnly },
};

/**
 * Routes without an id: who may call them at all. 'public' needs no token; 'authenticated' any
 * role; a list: those roles only (others 403, audited). `fresh`: the call ends the session, so it
 * gets a token of its own.
 */
interface RoleRouteSpec {
  who: 'public' | 'authenticated' | Role[];
  body?: () => unknown;
  fresh?: boolean;
  /** Allowed callers may get 503 (a dependency this test does not run). */
  unavailableOk?: boolean;
}
let seq = 0;
const ROLE_ROUTES: Record<string, RoleRouteSpec> = {
  'GET /health': { who: 'public' },
  'GET /api/openapi.json': { who: 'public' },
  'POST /api/auth/login': { who: 'public' },
  'GET /api/auth/me': { who: 'authenticated' },
  'POST /api/auth/logout': { who: 'authenticated', fresh: true },
  'GET /api/corridors': { who: STAFF },
  'POST /api/admin/users': { who: ['admin'], body: () => ({ username: `matrix.${++seq}`, password: 'long enough password', role: 'dispatcher' }) },
  'GET /api/admin/audit': { who: ['admin'] },
  // Without Redis in this test the queue is absent: allowed callers get 503, others 403.
  'POST /api/rounds': { who: ['dispatcher', 'admin'], body: () => ({ areaId: roundArea, kind: 'food' }), unavailableOk: true },
};
let roundArea = '';

function targets(w: World, g: Grid, needs: Record<'n1' | 'n2' | 'n3' | 'n4', string>, rounds: string[]): Record<Kind, Target[]> {
  const hs = (h: string, c: string, m: string): HouseholdScope => ({ householdId: h, corridorId: c, communityId: m });
  const four = [
    { label: 'own household', scope: hs(g.h1, g.c1, g.m1) },
    { label: 'other household, same corridor', scope: hs(g.h2, g.c1, g.m1) },
    { label: 'household in another corridor', scope: hs(g.h3, g.c2, g.m1) },
    { label: 'household in another community', scope: hs(g.h4, g.c3, g.m2) },
  ];
  const needIds = [needs.n1, needs.n2, needs.n3, needs.n4];
  const corridor = (label: string, id: string, m: string, address: string): Target => ({ label, id, address, area: { kind: 'corridor', communityId: m, corridorIds: [id] } });
  const corridors = [
    corridor('own corridor', g.c1, g.m1, 'B1-C1-101'),
    corridor('other corridor, same community', g.c2, g.m1, 'B1-C2-201'),
    corridor('corridor in another community', g.c3, g.m2, 'B2-C3-301'),
  ];
  const communities: Target[] = [
    { label: 'own community', id: g.m1, area: { kind: 'community', communityId: g.m1, corridorIds: [g.c1, g.c2] } },
    { label: 'other community', id: g.m2, area: { kind: 'community', communityId: g.m2, corridorIds: [g.c3] } },
  ];
  return {
    household: four.map((t) => ({ ...t, id: t.scope.householdId })),
    need: four.map((t, i) => ({ ...t, label: `need of ${t.label}`, id: needIds[i] as string })),
    corridor: corridors,
    community: communities,
    area: [
      ...corridors,
      ...communities,
      { label: 'own building', id: g.b1, area: { kind: 'building', communityId: g.m1, corridorIds: [g.c1, g.c2] } },
      { label: 'building in another community', id: g.b2, area: { kind: 'building', communityId: g.m2, corridorIds: [g.c3] } },
      { label: 'street', id: g.street, area: { kind: 'street', communityId: null, corridorIds: [] } },
      { label: 'district', id: g.district, area: { kind: 'district', communityId: null, corridorIds: [] } },
    ],
    // Driver routes (batches) are not served yet; their targets are ready for when they are.
    driver: [
      { label: 'own driver record', id: g.d1 },
      { label: 'other driver', id: g.d2 },
    ],
    user: [{ label: 'another account', id: w.users.spare.id }],
    round: rounds.map((id, i) => ({ label: `planning round ${i + 1}`, id })),
  };
}

function actorOf(w: World, role: Role): Actor {
  const g = w.grid;
  return {
    userId: w.users[role].id,
    role,
    corridorIds: role === 'coordinator' ? [g.c1] : [],
    communityIds: role === 'community_staff' ? [g.m1] : [],
    ...(role === 'resident' ? { householdId: g.h1 } : {}),
    ...(role === 'driver' ? { driverId: g.d1 } : {}),
  };
}

let w: World;
let routes: RouteInfo[];
let tokens: Record<Role, string>;
let byKind: Record<Kind, Target[]>;

beforeAll(async () => {
  w = await startWorld('authz');
  routes = listRoutes(w.app).filter((r) => r.params.length > 0);
  tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await w.login(r)] as const))) as Record<Role, string>;
  // One medicine need per household, submitted by the admin.
  const needs: Record<string, string> = {};
  for (const [key, h] of [['n1', w.grid.h1], ['n2', w.grid.h2], ['n3', w.grid.h3], ['n4', w.grid.h4]] as const) {
    const res = await w.request('POST', `/api/households/${h}/needs`, { token: tokens.admin, body: medicine });
    if (res.status !== 201 && res.status !== 200) throw new Error(`seeding need: ${res.status} ${await res.text()}`);
    needs[key] = ((await res.json()) as { need: { id: string } }).need.id;
  }
  // Planning rounds (table of 0003_rounds), written directly: starting one needs the queue.
  roundArea = w.grid.m1;
  const rounds: string[] = [];
  for (const [areaId, status] of [[w.grid.m1, 'proposed'], [w.grid.m2, 'approved']] as const) {
    const r = await sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by)
      values (${areaId}, 'medicine', ${status}, 1000, ${w.users.admin.id}) returning id`.execute(w.database.db);
    rounds.push(r.rows[0]?.id as string);
  }
  byKind = targets(w, w.grid, needs as Record<'n1' | 'n2' | 'n3' | 'n4', string>, rounds);
});
afterAll(async () => w?.close());

/** Whether the actor's 'allowed' rows grew past `before` (within a second: some rows are written once the response is out). */
async function auditedSince(userId: string, before: number): Promise<boolean> {
  for (let waited = 0; waited <= 1000; waited += 50) {
    if ((await auditCounts(userId)).allowed > before) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
const auditCounts = async (userId: string): Promise<{ allowed: number; denied: number }> => {
  const r = await sql<{ allowed: string; denied: string }>`select count(*) filter (where outcome = 'allowed')::text as allowed,
    count(*) filter (where outcome = 'denied')::text as denied from audit_log where actor_id = ${userId}`.execute(w.database.db);
  return { allowed: Number(r.rows[0]?.allowed ?? 0), denied: Number(r.rows[0]?.denied ?? 0) };
};

describe('authorization matrix', () => {
  it('finds the routes that take an id, and every one of them has an entry in the matrix', () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(ROUTES).length > 0 ? 3 : 1);
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in ROUTES));
    expect(missing, 'routes with an id but no authorization spec: add them to ROUTES').toEqual([]);
  });

  it('every role x target x route: cross-access refused and audited, allowed access works', async () => {
    const failures: string[] = [];
    let refused = 0;
    let allowed = 0;
    const cases = routes.flatMap((route) => [ROUTES[`${route.method} ${route.path}`] ?? []].flat().map((spec) => ({ route, spec })));
    for (const { route, spec } of cases) {
      const param = spec.idParam ?? route.params[0];
      const unfilled = route.params.filter((p) => p !== param && spec.params?.[p] === undefined);
      if (!param || unfilled.length > 0) throw new Error(`${route.path}: give values for ${unfilled.join(', ')} in the spec's params`);
      if (byKind[spec.kind].length === 0) throw new Error(`${route.path}: no ${spec.kind} targets in the fixture`);
      const fixed = Object.entries(spec.params ?? {}).reduce((p, [k, v]) => p.replace(`:${k}`, v), route.path);
      for (const role of ROLES) {
        const actor = actorOf(w, role);
        for (const t of byKind[spec.kind]) {
          const path = fixed.replace(`:${param}`, t.id);
          const before = await auditCounts(actor.userId);
          const res = await w.request(route.method, path, { token: tokens[role], ...(spec.body ? { body: spec.body(t) } : {}), ...(spec.headers ? { headers: spec.headers } : {}) });
          const after = await auditCounts(actor.userId);
          const newDenials = after.denied - before.denied;
          const expectAllowed = spec.allowed(actor, t);
          const what = `${role} ${route.method} ${fixed} [${t.label}] -> ${res.status}`;
          if (expectAllowed) {
            allowed++;
            if ([401, 403, 404].includes(res.status) || res.status >= 500) failures.push(`${what}: expected to be allowed`);
            if (newDenials !== 0) failures.push(`${what}: allowed, yet ${newDenials} denial(s) audited`);
            // Every state change is audited: a successful write must leave an 'allowed' row.
            if (route.method !== 'GET' && res.status < 300 && !(await auditedSince(actor.userId, before.allowed))) failures.push(`${what}: state change not audited`);
          } else {
            refused++;
            if (![403, 404].includes(res.status)) failures.push(`${what}: expected 403/404`);
            else if (!/application\/problem\+json/.test(res.headers.get('content-type') ?? '')) failures.push(`${what}: refusal is not problem+json`);
            if (newDenials < 1) failures.push(`${what}: refusal not audited as denied`);
          }
          await res.arrayBuffer();
        }
      }
    }
    console.log(`authorization matrix: ${routes.length} routes with an id (${cases.length} variants), ${allowed} allowed and ${refused} refused cases checked`);
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    expect(allowed).toBeGreaterThan(0);
  });

  it('routes without an id: each role is let in or refused (403, audited) as ROLE_ROUTES says', async () => {
    const plain = listRoutes(w.app).filter((r) => r.params.length === 0);
    const missing = plain.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in ROLE_ROUTES));
    expect(missing, 'routes without an id and without a spec: add them to ROLE_ROUTES').toEqual([]);
    const failures: string[] = [];
    for (const route of plain) {
      const spec = ROLE_ROUTES[`${route.method} ${route.path}`] as RoleRouteSpec;
      const call = (token: string | null) => w.request(route.method, route.path, { token, ...(spec.body ? { body: spec.body() } : {}) });
      const anonymous = await call(null);
      await anonymous.arrayBuffer();
      if (spec.who === 'public') {
        if (anonymous.status === 401 || anonymous.status === 403) failures.push(`anonymous ${route.method} ${route.path} -> ${anonymous.status}: public route refused`);
        continue;
      }
      if (anonymous.status !== 401) failures.push(`anonymous ${route.method} ${route.path} -> ${anonymous.status}: expected 401`);
      for (const role of ROLES) {
        const token = spec.fresh ? await w.login(role) : tokens[role];
        const before = await auditCounts(w.users[role].id);
        const res = await call(token);
        await res.arrayBuffer();
        const after = await auditCounts(w.users[role].id);
        const denials = after.denied - before.denied;
        const ok = spec.who === 'authenticated' || spec.who.includes(role);
        const what = `${role} ${route.method} ${route.path} -> ${res.status}`;
        const down = spec.unavailableOk && res.status === 503;
        if (ok && (res.status === 401 || res.status === 403 || (res.status >= 500 && !down))) failures.push(`${what}: expected to be allowed`);
        if (!ok && (res.status !== 403 || denials < 1)) failures.push(`${what}: expected 403 and a denied audit row (${denials})`);
        if (ok && route.method !== 'GET' && res.status < 300 && !(await auditedSince(w.users[role].id, before.allowed))) failures.push(`${what}: state change not audited`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('medical details: allowed reads are audited, roles without the right see none, and no audit row holds them', async () => {
    const n1 = byKind.need[0] as Target;
    for (const role of ROLES) {
      const actor = actorOf(w, role);
      const res = await w.request('GET', `/api/needs/${n1.id}`, { token: tokens[role] });
      const text = await res.text();
      const reads = await sql<{ n: string }>`select count(*)::text as n from audit_log
        where actor_id = ${actor.userId} and action = 'need.medical.read' and subject_id = ${n1.id} and outcome = 'allowed'`.execute(w.database.db);
      const mayRead = mayReadMedicalDetails(actor, n1.scope as HouseholdScope);
      expect(text.includes(MARKER.drug), `${role} sees the drug name`).toBe(mayRead);
      expect(Number(reads.rows[0]?.n) > 0, `${role}: medical read audited`).toBe(mayRead);
    }
    const all = await sql`select * from audit_log`.execute(w.database.db);
    const dump = JSON.stringify(all.rows);
    expect(all.rows.length).toBeGreaterThan(100);
    expect(dump).not.toContain(MARKER.drug);
    expect(dump).not.toContain(MARKER.strength);
    expect(dump).not.toContain('B1-C1-101');
  });

});
