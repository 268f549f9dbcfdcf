/**
 * The authorization matrix: every role x every target (own household / other household in the same
 * corridor / other corridor / other community, and the corridors, communities, areas, drivers and
 * accounts around them) x every route that takes an id, on the real app and PostgreSQL.
 * Each cross-access must be refused (403/404 problem) AND leave a 'denied' row in the audit log;
 * each allowed read must succeed, each allowed write must not be refused and, when it succeeds,
 * must leave an 'allowed' row. Routes without an id are checked per role the same way.
 * Routes are read from the app's router: a route with no entry in ROUTES / ROLE_ROUTES
 * (authz.specs.ts) fails the test until someone says who may use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ROLES, mayReadMedicalDetails, type Actor, type HouseholdScope, type Role } from '../../src/domain/access';
import { startWorld, type World } from './auth.fixture';
import { listRoutes, type RouteInfo } from './authz.routes';
import { MARKER, ROLE_ROUTES, ROUTES, ctx, type Kind, type RoleRouteSpec, type Target } from './authz.specs';
import { buildTargets, type Targets } from './authz.targets';
import { until } from './queue.fixtures';

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
let targets: Targets;

// Gate photos the targets store go to a directory of this run's own.
const photoDir = mkdtempSync(join(tmpdir(), 'cordon-authz-photos-'));

beforeAll(async () => {
  w = await startWorld('authz', { env: { GATE_PHOTO_DIR: photoDir } });
  ctx.grid = w.grid;
  const all = listRoutes(w.app);
  routes = all.filter((r) => r.params.length > 0);
  tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await w.login(r)] as const))) as Record<Role, string>;
  const kinds = new Set(routes.flatMap((r) => [ROUTES[`${r.method} ${r.path}`] ?? []].flat().map((spec) => spec.kind)));
  targets = await buildTargets(w, tokens, kinds, all.map((r) => r.path));
  byKind = targets.byKind;
});
afterAll(async () => {
  await w?.close();
  rmSync(photoDir, { recursive: true, force: true });
});

/** Whether the actor's 'allowed' rows grew past `before` (polled: some rows are written once the response is out). */
function auditedSince(userId: string, before: number): Promise<boolean> {
  return until(async () => (await auditCounts(userId)).allowed > before, 5000).then(() => true, () => false);
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

  it('the router and /api/openapi.json list the same routes (neither can drift from the matrix)', async () => {
    const doc = (await (await w.request('GET', '/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = listRoutes(w.app).map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !documented.includes(r)), 'served but not documented').toEqual([]);
    expect(documented.filter((r) => !served.includes(r)), 'documented but not served').toEqual([]);
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
      const fixed = Object.entries(spec.params ?? {}).reduce((p, [k, v]) => (typeof v === 'string' ? p.replace(`:${k}`, v) : p), route.path);
      for (const role of ROLES) {
        const actor = actorOf(w, role);
        for (const aimed of byKind[spec.kind]) {
          const t = spec.fresh ? await targets.fresh(spec.kind, aimed) : aimed;
          const filled = Object.entries(spec.params ?? {}).reduce((p, [k, v]) => (typeof v === 'function' ? p.replace(`:${k}`, v(t)) : p), fixed);
          const path = filled.replace(`:${param}`, t.id);
          const before = await auditCounts(actor.userId);
          const res = await w.request(route.method, path, { token: tokens[role], ...(spec.body ? { body: spec.body(t) } : {}), ...(spec.headers ? { headers: spec.headers } : {}) });
          const after = await auditCounts(actor.userId);
          const newDenials = after.denied - before.denied;
          const expectAllowed = spec.allowed(actor, t);
          const detail = res.status >= 400 ? ` (${((await res.clone().json().catch(() => ({}))) as { detail?: string }).detail ?? ''})` : '';
          const what = `${role} ${route.method} ${fixed} [${t.label}] -> ${res.status}${detail}`;
          if (expectAllowed) {
            allowed++;
            const down = spec.unavailableOk === true && res.status === 503;
            if ([401, 403, 404].includes(res.status) || (res.status >= 500 && !down)) failures.push(`${what}: expected to be allowed`);
            // A read the caller may make must simply work.
            else if (route.method === 'GET' && res.status >= 300) failures.push(`${what}: allowed read did not succeed`);
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
    // A request per role, target and route, one after another: minutes at load average 6 as the API grows.
  }, 180_000);

  it('routes without an id: each role is let in or refused (403, audited) as ROLE_ROUTES says', async () => {
    const plain = listRoutes(w.app).filter((r) => r.params.length === 0);
    const missing = plain.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in ROLE_ROUTES));
    expect(missing, 'routes without an id and without a spec: add them to ROLE_ROUTES').toEqual([]);
    const failures: string[] = [];
    for (const route of plain) {
      const spec = ROLE_ROUTES[`${route.method} ${route.path}`] as RoleRouteSpec;
      const call = (token: string | null) => w.request(route.method, spec.url?.() ?? route.path, { token, ...(spec.body ? { body: spec.body() } : {}), ...(spec.headers ? { headers: spec.headers } : {}) });
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
        else if (ok && route.method === 'GET' && res.status >= 300) failures.push(`${what}: allowed read did not succeed`);
        if (!ok && (res.status !== 403 || denials < 1)) failures.push(`${what}: expected 403 and a denied audit row (${denials})`);
        if (ok && route.method !== 'GET' && res.status < 300 && !(await auditedSince(w.users[role].id, before.allowed))) failures.push(`${what}: state change not audited`);
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

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
    expect(dump).not.toContain(MARKER.reason);
    expect(dump).not.toContain('B1-C1-101');
  });

});
