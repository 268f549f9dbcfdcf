/**
 * Account hygiene against the real PostgreSQL: a password an admin sets is a one-time password
 * (the session reaches only the change and logout until it is replaced), new passwords follow
 * NIST SP 800-63B (length, a common-password blocklist, no composition rules), and an admin sees
 * each account's live sessions with their last use.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { createAuditService } from '../../src/services/access/audit.service';
import { passwordProblems } from '../../src/services/access/auth-password-policy';
import { PASSWORD, startWorld, type World } from './auth.fixture';

let w: World;
let admin: string;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const ONE_TIME = 'a one-time password from the admin';

beforeAll(async () => {
  w = await startWorld('hygiene', { clock });
  admin = await w.login('admin');
});
afterAll(async () => w?.close());

const login = async (username: string, password: string) => {
  const res = await w.request('POST', '/api/auth/login', { body: { username, password } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { token: string; mustChangePassword: boolean };
};
const changePassword = (token: string, currentPassword: string, newPassword: string) => w.request('POST', '/api/auth/password', { token, body: { currentPassword, newPassword } });
const fieldMessage = async (res: Response, field: string) => ((await res.json()) as { errors: { path: string[]; message: string }[] }).errors.find((e) => e.path.join('.') === field)?.message;

describe('one-time passwords', () => {
  it('an account an admin creates must change its password at first login; until then the session reaches only the change and logout', async () => {
    const created = await w.request('POST', '/api/admin/users', { token: admin, body: { username: 'new.chief', password: ONE_TIME, role: 'coordinator', assignments: { corridorIds: [w.grid.c1] } } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ mustChangePassword: true });
    const first = await login('new.chief', ONE_TIME);
    expect(first.mustChangePassword).toBe(true);
    const other = await login('new.chief', ONE_TIME);

    for (const [method, path] of [['GET', '/api/auth/me'], ['GET', '/api/corridors'], ['GET', `/api/corridors/${w.grid.c1}/households`]] as const) {
      const res = await w.request(method, path, { token: first.token });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('password_change_required');
    }

    const wrong = await changePassword(first.token, 'not the one-time password', 'my own long passphrase here');
    expect(wrong.status).toBe(422);
    expect(await fieldMessage(wrong, 'currentPassword')).toBe('not your current password');
    const same = await changePassword(first.token, ONE_TIME, ONE_TIME);
    expect(same.status).toBe(422);
    expect(await fieldMessage(same, 'newPassword')).toMatch(/differ/);

    expect((await changePassword(first.token, ONE_TIME, 'my own long passphrase here')).status).toBe(204);
    expect((await w.request('GET', '/api/auth/me', { token: first.token })).status).toBe(200);
    expect((await w.request('GET', '/api/corridors', { token: first.token })).status).toBe(200);
    // Whoever else held the admin's password is out; the old password no longer works.
    expect((await w.request('GET', '/api/auth/me', { token: other.token })).status).toBe(401);
    expect((await w.request('POST', '/api/auth/login', { body: { username: 'new.chief', password: ONE_TIME } })).status).toBe(401);
    expect((await login('new.chief', 'my own long passphrase here')).mustChangePassword).toBe(false);
    const changes = await createAuditService(w.deps).list({ action: 'user.password.change' });
    expect(changes).toHaveLength(1);
  });

  it('logout works for a session that must still change its password', async () => {
    await w.request('POST', '/api/admin/users', { token: admin, body: { username: 'new.driver', password: ONE_TIME, role: 'dispatcher' } });
    const { token } = await login('new.driver', ONE_TIME);
    expect((await w.request('POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await changePassword(token, ONE_TIME, 'my own long passphrase here')).status).toBe(401);
  });

  it('an admin reset is a one-time password too; a change by the owner is not', async () => {
    const reset = await w.request('PUT', `/api/admin/users/${w.users.spare.id}/password`, { token: admin, body: { password: ONE_TIME } });
    expect(reset.status).toBe(204);
    const { token, mustChangePassword } = await login(w.users.spare.username, ONE_TIME);
    expect(mustChangePassword).toBe(true);
    expect((await changePassword(token, ONE_TIME, PASSWORD + ' again')).status).toBe(204);
    expect((await login(w.users.spare.username, PASSWORD + ' again')).mustChangePassword).toBe(false);
  });

  it('a wrong current password is rate limited like a login (a stolen session must not guess its password)', async () => {
    const { token } = await login(w.users.dispatcher.username, PASSWORD);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await changePassword(token, `wrong guess ${i}`, 'my own long passphrase here')).status);
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('password rules (NIST SP 800-63B)', () => {
  it('the admin API refuses short, common and username-bearing passwords, each at its field', async () => {
    const create = (username: string, password: string) => w.request('POST', '/api/admin/users', { token: admin, body: { username, password, role: 'dispatcher' } });
    const short = await create('short.pw', 'fourteen chars');
    expect(short.status).toBe(422);
    expect(await fieldMessage(short, 'password')).toMatch(/at least 15/);
    const common = await create('common.pw', 'passwordpassword');
    expect(common.status).toBe(422);
    expect(await fieldMessage(common, 'password')).toMatch(/most common/);
    const named = await create('wang.lan', 'wang.lan is my name 2026');
    expect(await fieldMessage(named, 'password')).toMatch(/username/);
    // No composition rules: lower-case words and spaces are a fine password.
    expect((await create('words.pw', 'correct horse battery staple')).status).toBe(201);
  });

  it('length counts characters, not bytes; runs and repeats are refused', () => {
    expect(passwordProblems('长城长江黄河泰山华山峨眉山黄山庐山', null)).toEqual([]);
    expect(passwordProblems('abcdefghijklmnop', null)[0]?.message).toMatch(/sequential/);
    expect(passwordProblems('123456789012345', null)[0]?.message).toMatch(/common|sequential/);
    expect(passwordProblems('xyxyxyxyxyxyxyxy', null)[0]?.message).toMatch(/repeated/);
    expect(passwordProblems('zzzzzzzzzzzzzzzz', null)[0]?.message).toMatch(/common|repeated/);
    expect(passwordProblems('😀😀😀😀😀😀😀😀', null)[0]?.message).toMatch(/at least 15/);
  });
});

describe('sessions an admin sees', () => {
  it('lists an account’s live sessions with their kind and last use; ended ones are gone; admins only', async () => {
    const user = w.users.community_staff;
    await w.request('POST', `/api/admin/users/${user.id}/revoke-sessions`, { token: admin });
    const api = await w.login('community_staff');
    const web = await w.request('POST', '/api/auth/login', { body: { username: user.username, password: PASSWORD, session: 'cookie' } });
    const cookie = (web.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const openedAt = clock.now().toISOString();
    clock.advance(5 * 60_000);
    expect((await w.request('GET', '/api/auth/me', { token: api })).status).toBe(200);
    const usedAt = clock.now().toISOString();

    const list = async () => {
      const res = await w.request('GET', `/api/admin/users/${user.id}/sessions`, { token: await w.login('admin') });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      return ((await res.json()) as { sessions: { id: string; client: string; createdAt: string; lastUsedAt: string; expiresAt: string }[] }).sessions;
    };
    // The use is recorded beside the request, not before its answer: listed once it is.
    await vi.waitFor(async () => expect((await list()).map((s) => [s.client, s.lastUsedAt])).toEqual([
      ['api', usedAt],
      ['web', openedAt],
    ]), { timeout: 10_000, interval: 20 });
    expect(JSON.stringify(await list())).not.toContain(api);

    expect((await w.request('POST', '/api/auth/logout', { headers: { cookie } })).status).toBe(204);
    expect((await list()).map((s) => s.client)).toEqual(['api']);
    clock.advance(13 * 3_600_000);
    expect(await list()).toEqual([]);

    const asStaff = await w.request('GET', `/api/admin/users/${user.id}/sessions`, { token: await w.login('community_staff') });
    expect(asStaff.status).toBe(403);
    expect((await w.request('GET', `/api/admin/users/00000000-0000-4000-8000-000000000000/sessions`, { token: await w.login('admin') })).status).toBe(404);
  });
});
