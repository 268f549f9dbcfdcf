/**
 * Sessions against the real PostgreSQL: login, logout and revocation hold from the very next
 * request, expiry (idle, sliding), no user enumeration, everything audited, tokens stored hashed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CompiledQuery, Kysely, sql } from 'kysely';
import { ManualClock } from '../../src/shared/clock';
import { hashSessionToken } from '../../src/services/access/auth-secrets';
import { createAuditService } from '../../src/services/access/audit.service';
import { createAuthService, type AuthService } from '../../src/services/access/auth.service';
import { requireAuth } from '../../src/http/auth';
import { LIVE_SESSIONS_SQL } from '../../src/store/session.repository';
import { tablesReadWhole } from './seq-scans';
import { errorHandler } from '../../src/http/problem';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { PASSWORD, PG_URL, startWorld, statementCounter, type World } from './auth.fixture';

let w: World;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  w = await startWorld('auth', { clock, env: { SESSION_TTL_HOURS: '12' } });
});
afterAll(async () => w?.close());

const audit = () => createAuditService(w.deps);
const me = (token: string | null) => w.request('GET', '/api/auth/me', { token });
/** A session's use is recorded beside the request, not before its answer: waits until it is, as of `clock` now. */
const useRecorded = (token: string) => vi.waitFor(async () => {
  const row = await sql<{ last_used_at: Date }>`select last_used_at from sessions where token_hash = ${hashSessionToken(token)}`.execute(w.database.db);
  expect(row.rows[0]?.last_used_at.getTime()).toBe(clock.now().getTime());
}, { timeout: 10_000, interval: 10 });

describe('login and sessions', () => {
  it('login gives a bearer token that /me accepts, showing role and assignments', async () => {
    const res = await w.request('POST', '/api/auth/login', { body: { username: w.users.coordinator.username, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { token: string; tokenType: string; user: { id: string; role: string } };
    expect(body.tokenType).toBe('Bearer');
    expect(body.user).toEqual({ id: w.users.coordinator.id, role: 'coordinator' });
    const who = await me(body.token);
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({ id: w.users.coordinator.id, role: 'coordinator', corridorIds: [w.grid.c1], communityIds: [], householdId: null });
  });

  it('a login writes its session and its audit row in one statement, outside any transaction', async () => {
    // A transaction's BEGIN and COMMIT held a pooled connection for two more turns of a busy API
    // process (issue #21: logins sat idle in transaction while needs waited for connections).
    const transactions = vi.spyOn(Kysely.prototype, 'transaction');
    let res: Response;
    try {
      res = await w.request('POST', '/api/auth/login', { body: { username: w.users.coordinator.username, password: PASSWORD }, headers: { 'x-request-id': 'login-one-statement' } });
      expect(transactions).not.toHaveBeenCalled();
    } finally {
      transactions.mockRestore();
    }
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const session = await sql<{ id: string }>`select id from sessions where token_hash = ${hashSessionToken(token)}`.execute(w.database.db);
    const rows = (await audit().list({ action: 'auth.login', outcome: 'allowed' })).filter((r) => r.requestId === 'login-one-statement');
    expect(rows).toEqual([expect.objectContaining({ actorId: w.users.coordinator.id, actorRole: 'coordinator', subjectType: 'session', subjectId: session.rows[0]!.id })]);
  });

  it('usernames match case-insensitively', async () => {
    const res = await w.request('POST', '/api/auth/login', { body: { username: w.users.admin.username.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
  });

  it('the token is stored only as its SHA-256', async () => {
    const token = await w.login('resident');
    const rows = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(w.database.db);
    const hashes = rows.rows.map((r) => r.token_hash);
    expect(hashes).toContain(hashSessionToken(token));
    expect(hashes).not.toContain(token);
  });

  it('missing, malformed and unknown tokens get 401 problem documents', async () => {
    for (const token of [null, 'not-a-token', 'x'.repeat(500)]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    const wrongScheme = await w.request('GET', '/api/auth/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(wrongScheme.status).toBe(401);
  });

  it('logout revokes the session at once; other sessions of the user live on', async () => {
    const a = await w.login('dispatcher');
    const b = await w.login('dispatcher');
    expect((await me(a)).status).toBe(200);
    expect((await w.request('POST', '/api/auth/logout', { token: a })).status).toBe(204);
    expect((await me(a)).status).toBe(401);
    expect((await w.request('POST', '/api/auth/logout', { token: a })).status).toBe(401);
    expect((await me(b)).status).toBe(200);
    const rows = await audit().list({ actorId: w.users.dispatcher.id, action: 'auth.logout' });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcome).toBe('allowed');
  });

  it('concurrent requests (their look-ups share one query) each get their own actor, and a logged-out token among them is refused', async () => {
    const roles = ['dispatcher', 'driver', 'community_staff', 'admin'] as const;
    const tokens = await Promise.all(roles.map((r) => w.login(r)));
    const gone = await w.login('dispatcher');
    expect((await w.request('POST', '/api/auth/logout', { token: gone })).status).toBe(204);
    const asked = [...tokens, gone, 'unknown-token', ...tokens];
    const answers = await Promise.all(asked.map(async (t) => {
      const res = await me(t);
      return res.status === 200 ? ((await res.json()) as { role: string }).role : res.status;
    }));
    expect(answers).toEqual([...roles, 401, 401, ...roles]);
  });

  it("looks a session up through indexes: no table is read whole, the drivers' included", async () => {
    const token = await w.login('driver');
    const lookup = CompiledQuery.raw(LIVE_SESSIONS_SQL, [[hashSessionToken(token)], clock.now(), new Date(0)]);
    expect(await tablesReadWhole(w.database.db, lookup)).toEqual([]);
    // and the look-up still names the driver record
    expect(((await (await me(token)).json()) as { driverId?: string }).driverId).toBe(w.grid.d1);
  });

  it("an admin's revocation ends every session of the user on the next request, and is audited", async () => {
    const t1 = await w.login('community_staff');
    const t2 = await w.login('community_staff');
    const admin = await w.login('admin');
    const res = await w.request('POST', `/api/admin/users/${w.users.community_staff.id}/revoke-sessions`, { token: admin });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(2);
    expect((await me(t1)).status).toBe(401);
    expect((await me(t2)).status).toBe(401);
    expect(await audit().list({ action: 'user.sessions.revoke', subjectId: w.users.community_staff.id })).toHaveLength(1);
    // A fresh login works again.
    expect((await me(await w.login('community_staff'))).status).toBe(200);
  });

  it('a session expires after the idle lifetime, and use slides it forward', async () => {
    const token = await w.login('driver');
    clock.advance(11 * HOUR);
    expect((await me(token)).status).toBe(200); // used: now valid until +12 h from here
    await useRecorded(token);
    clock.advance(11 * HOUR);
    expect((await me(token)).status).toBe(200);
    await useRecorded(token);
    clock.advance(12 * HOUR + 1000);
    expect((await me(token)).status).toBe(401);
  });

  it('sessions used at once record their use in one statement, each sliding its own expiry', async () => {
    // A use is recorded at most once a minute per session, but a district's thousands of sessions
    // made that 17 writes a second per API process in the district day's first minute, each one a
    // commit its request waited for (issue #21).
    const tokens = await Promise.all((['driver', 'resident', 'coordinator', 'community_staff'] as const).map((role) => w.login(role)));
    const counter = statementCounter();
    const sessions = createAuthService({ db: w.database.db.withPlugin(counter.plugin), clock, config: { SESSION_TTL_HOURS: 12 }, audit: audit() });
    clock.advance(2 * 60_000);
    const used = clock.now();
    const actors = await Promise.all(tokens.map((t) => sessions.authenticateSession(t)));
    expect(actors.every((a) => a !== null)).toBe(true);
    // One statement records the four uses (before: four), beside the requests. The look-up, one
    // compiled query for all four, does not pass the counting plugin.
    for (const t of tokens) await useRecorded(t);
    expect(counter.count()).toBe(1);
    const rows = await sql<{ last_used_at: Date; expires_at: Date }>`select last_used_at, expires_at from sessions where token_hash = any(${tokens.map(hashSessionToken)})`.execute(w.database.db);
    expect(rows.rows).toHaveLength(4);
    for (const r of rows.rows) {
      expect(r.last_used_at.getTime()).toBe(used.getTime());
      expect(r.expires_at.getTime()).toBe(used.getTime() + 12 * HOUR);
    }
    // Used again within the minute: nothing written.
    await Promise.all(tokens.map((t) => sessions.authenticateSession(t)));
    expect(counter.count()).toBe(1);
  });

  it("a request does not wait for its session's use to be recorded", async () => {
    const token = await w.login('dispatcher');
    clock.advance(2 * 60_000);
    // The session's row locked elsewhere: recording the use waits for the lock, the request does not.
    await w.database.db.transaction().execute(async (trx) => {
      await sql`select 1 from sessions where token_hash = ${hashSessionToken(token)} for update`.execute(trx);
      expect((await me(token)).status).toBe(200);
    });
    await useRecorded(token);
  });

  it('a session in constant use still ends after the absolute lifetime (7 days)', async () => {
    const token = await w.login('resident');
    for (let h = 0; h < 7 * 24 - 10; h += 10) {
      clock.advance(10 * HOUR);
      expect((await me(token)).status, `after ${h + 10} h`).toBe(200);
      await useRecorded(token);
    }
    clock.advance(11 * HOUR);
    expect((await me(token)).status).toBe(401);
  });

  it('an assignment change shows on the very next request of a live session', async () => {
    const token = await w.login('coordinator');
    const admin = await w.login('admin');
    const put = await w.request('PUT', `/api/admin/users/${w.users.coordinator.id}/assignments`, { token: admin, body: { corridorIds: [w.grid.c2] } });
    expect(put.status).toBe(200);
    expect(await (await me(token)).json()).toMatchObject({ corridorIds: [w.grid.c2] });
    await w.request('PUT', `/api/admin/users/${w.users.coordinator.id}/assignments`, { token: admin, body: { corridorIds: [w.grid.c1] } });
  });
});

describe('session store down', () => {
  it('answers 503 problem (not 401, which would log every client out, nor 500)', async () => {
    const down = () => Promise.reject(new Error('connection terminated'));
    const broken = { authenticateSession: down, authenticateToken: down } as unknown as AuthService;
    const app = express();
    app.get('/x', requireAuth(w.deps, broken), (_req, res) => void res.json({}));
    app.use(errorHandler(w.deps.logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, { headers: { authorization: 'Bearer abc' } });
    server.close();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

describe('several API processes', () => {
  it('a logout on one instance holds on another at once (no per-process session cache)', async () => {
    const { buildApp } = await import('../../src/http/app');
    const { openDatabase } = await import('../../src/store/db');
    // A second instance: its own connection pool on the same database, as another process would have.
    const database = await openDatabase({ url: PG_URL, schema: w.database.schema, poolSize: 2 });
    const other = buildApp({ ...w.deps, db: database.db, database });
    const server = other.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const meThere = async (token: string) =>
      (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;
    const token = await w.login('coordinator');
    expect(await meThere(token)).toBe(200);
    expect((await w.request('POST', '/api/auth/logout', { token })).status).toBe(204);
    expect(await meThere(token)).toBe(401);
    server.closeAllConnections();
    server.close();
    await database.close();
  });
});

describe('live connections', () => {
  it('disabling and password resets also revoke through the AuthService given to authRoutes (which the live layer wraps to cut sockets)', async () => {
    const { authRoutes } = await import('../../src/http/routes/auth.routes');
    const { createAuthService } = await import('../../src/services/access/auth.service');
    const real = createAuthService({ ...w.deps, audit: audit() });
    const revoked: string[] = [];
    const spy: AuthService = { ...real, revokeAllSessions: async (userId, by, c) => (revoked.push(userId), real.revokeAllSessions(userId, by, c)) };
    const app = express();
    app.use(express.json());
    app.use(authRoutes(w.deps, spy));
    app.use(errorHandler(w.deps.logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = await w.login('admin');
    const put = (path: string, body: unknown) =>
      fetch(base + path, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const id = w.users.driver.id;
    expect((await put(`/api/admin/users/${id}/disabled`, { disabled: true })).status).toBe(200);
    expect((await put(`/api/admin/users/${id}/disabled`, { disabled: false })).status).toBe(200);
    expect((await put(`/api/admin/users/${id}/password`, { password: PASSWORD })).status).toBe(204);
    server.closeAllConnections();
    server.close();
    expect(revoked).toEqual([id, id]);
  });
});

describe('refused logins', () => {
  it('wrong password and unknown user get the same answer, and both are audited as denied', async () => {
    const wrong = await w.request('POST', '/api/auth/login', { body: { username: w.users.admin.username, password: 'not the password' } });
    const unknown = await w.request('POST', '/api/auth/login', { body: { username: 'nobody.at.all', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => {
      const { instance: _i, requestId: _r, ...rest } = b;
      return rest;
    };
    expect(strip((await wrong.json()) as Record<string, unknown>)).toEqual(strip((await unknown.json()) as Record<string, unknown>));
    const denied = await audit().list({ action: 'auth.login', outcome: 'denied' });
    expect(denied.some((r) => r.subjectType === 'user' && r.subjectId === w.users.admin.id && r.actorId === null)).toBe(true);
    expect(denied.some((r) => r.subjectType === 'username' && r.subjectId === 'nobody.at.all')).toBe(true);
  });

  it('bad login bodies get 422 naming the field, without echoing values', async () => {
    const res = await w.request('POST', '/api/auth/login', { body: { username: w.users.admin.username, password: 12345, extra: 'secret-value' } });
    expect([400, 422]).toContain(res.status);
    const text = await res.text();
    expect(text).toContain('password');
    expect(text).not.toContain('secret-value');
  });
});

describe('accounts', () => {
  it('an admin creates accounts with the assignments of their role only', async () => {
    const admin = await w.login('admin');
    const ok = await w.request('POST', '/api/admin/users', {
      token: admin,
      body: { username: 'staff.two', password: 'long enough password', role: 'community_staff', assignments: { communityIds: [w.grid.m2] } },
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ role: 'community_staff', assignments: { communityIds: [w.grid.m2], corridorIds: [] } });

    const wrongKind = await w.request('POST', '/api/admin/users', {
      token: admin,
      body: { username: 'res.two', password: 'long enough password', role: 'resident', assignments: { corridorIds: [w.grid.c1] } },
    });
    expect(wrongKind.status).toBe(422);
    const notACorridor = await w.request('POST', '/api/admin/users', {
      token: admin,
      body: { username: 'coord.two', password: 'long enough password', role: 'coordinator', assignments: { corridorIds: [w.grid.m1] } },
    });
    expect(notACorridor.status).toBe(422);
    const taken = await w.request('POST', '/api/admin/users', {
      token: admin,
      body: { username: 'STAFF.two', password: 'long enough password', role: 'dispatcher' },
    });
    expect(taken.status).toBe(409);
    const created = await audit().list({ action: 'user.create', actorId: w.users.admin.id });
    expect(created).toHaveLength(1);
    // The use case's domain row, and requireRole's route-level row once the response is out.
    const another = await w.request('POST', '/api/admin/users', {
      token: admin,
      body: { username: 'disp.two', password: 'long enough password', role: 'dispatcher' },
      headers: { 'x-request-id': 'req-create-0002' },
    });
    expect(another.status).toBe(201);
    // The route-level row is written once the response is out: wait for it, not for a set time.
    await expect.poll(async () => (await audit().list({ requestId: 'req-create-0002' })).map((r) => r.action).sort(), { timeout: 10_000 })
      .toEqual(['POST /api/admin/users', 'user.create']);
  });

  it('a disabled account loses its sessions at once and cannot log in (same answer as a wrong password) until re-enabled', async () => {
    const admin = await w.login('admin');
    const token = await w.login('spare');
    const off = await w.request('PUT', `/api/admin/users/${w.users.spare.id}/disabled`, { token: admin, body: { disabled: true } });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ disabled: true });
    expect((await me(token)).status).toBe(401);
    const refused = await w.request('POST', '/api/auth/login', { body: { username: w.users.spare.username, password: PASSWORD } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toBe('invalid username or password');
    expect((await w.request('PUT', `/api/admin/users/${w.users.spare.id}/disabled`, { token: admin, body: { disabled: false } })).status).toBe(200);
    expect((await me(await w.login('spare'))).status).toBe(200);
    expect((await audit().list({ subjectId: w.users.spare.id })).map((r) => r.action)).toEqual(expect.arrayContaining(['user.disable', 'user.enable']));
  });

  it('an admin password reset ends every session; the old password stops working, the new one works', async () => {
    const admin = await w.login('admin');
    const token = await w.login('spare');
    const reset = await w.request('PUT', `/api/admin/users/${w.users.spare.id}/password`, { token: admin, body: { password: 'a brand new password' } });
    expect(reset.status).toBe(204);
    expect((await me(token)).status).toBe(401);
    expect((await w.request('POST', '/api/auth/login', { body: { username: w.users.spare.username, password: PASSWORD } })).status).toBe(401);
    expect((await w.request('POST', '/api/auth/login', { body: { username: w.users.spare.username, password: 'a brand new password' } })).status).toBe(200);
    const short = await w.request('PUT', `/api/admin/users/${w.users.spare.id}/password`, { token: admin, body: { password: 'short' } });
    expect(short.status).toBe(422);
  });

  it('non-admins are refused account management with 403, audited with who, what and the request id', async () => {
    const token = await w.login('dispatcher');
    const res = await w.request('POST', '/api/admin/users', {
      token,
      body: { username: 'x.y', password: 'long enough password', role: 'admin' },
      headers: { 'x-request-id': 'req-matrix-0001' },
    });
    expect(res.status).toBe(403);
    const denied = await audit().list({ requestId: 'req-matrix-0001' });
    expect(denied).toEqual([
      expect.objectContaining({ actorId: w.users.dispatcher.id, actorRole: 'dispatcher', action: 'POST /api/admin/users', outcome: 'denied' }),
    ]);
    expect(denied[0]?.at).toBeInstanceOf(Date);
  });
});

describe('audit log', () => {
  it('refuses UPDATE, DELETE and TRUNCATE at the database', async () => {
    await expect(sql`update audit_log set action = 'x'`.execute(w.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(w.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(w.database.db)).rejects.toThrow(/append-only/);
  });
});
