/**
 * Resident accounts on request (issue #15, item 5) on PostgreSQL: a unit chief asks for a code for
 * a household, the resident signs up with phone + code + password. Valid, used, replaced, expired
 * and wrong codes; who may ask; the rate limit on failed attempts; audit rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { startWorld, type World } from './auth.fixture';

let w: World;
const clock = new ManualClock(new Date('2026-11-20T08:00:00Z'));
const tokens: Record<string, string> = {};

beforeAll(async () => {
  w = await startWorld('signup', { clock, env: { RATE_LIMIT_LOGIN_MAX: '1000', SIGNUP_CODE_TTL_MIN: '60' } });
  for (const role of ['admin', 'community_staff', 'coordinator', 'dispatcher', 'driver', 'resident'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

const issue = async (householdId: string, token = tokens.coordinator) => w.request('POST', `/api/households/${householdId}/signup-codes`, { token });
const codeFor = async (householdId: string, token = tokens.coordinator) => ((await (await issue(householdId, token)).json()) as { code: string; expiresAt: string });
const signup = (body: unknown) => w.request('POST', '/api/auth/signup', { body });
const password = 'our flat on the sixth floor';
const codeError = async (res: Response) => {
  expect(res.status).toBe(422);
  const body = (await res.json()) as { errors: { path: string[]; message: string }[] };
  expect(body.errors[0]?.path).toEqual(['code']);
  return body.errors[0]?.message ?? '';
};

describe('resident sign-up with a code from the unit chief', () => {
  it('a valid code makes a resident account of that household, which logs in and sees it', async () => {
    const { code, expiresAt } = await codeFor(w.grid.h2);
    expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBe(60 * 60_000);
    const res = await signup({ phone: '+86 138-0013-8001', code: code.toUpperCase().replace(/-/g, ' '), password });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { userId: string; username: string; householdId: string };
    expect(created).toMatchObject({ username: '8613800138001', householdId: w.grid.h2 });
    const login = await w.request('POST', '/api/auth/login', { body: { username: '8613800138001', password } });
    expect(login.status).toBe(200);
    const session = (await login.json()) as { token: string; mustChangePassword: boolean };
    expect(session.mustChangePassword).toBe(false);
    const me = (await (await w.request('GET', '/api/auth/me', { token: session.token })).json()) as { role: string; householdId: string };
    expect(me).toMatchObject({ role: 'resident', householdId: w.grid.h2 });
    const audit = await w.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('action', 'in', ['auth.signup', 'household.signup_code.issue']).where('outcome', '=', 'allowed').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['auth.signup', 'household.signup_code.issue']);
    const stored = await w.database.db.selectFrom('signup_codes').select(['code_hash', 'used_by']).where('household_id', '=', w.grid.h2).execute();
    expect(stored).toEqual([{ code_hash: expect.not.stringContaining(code.replace(/-/g, '')) as unknown, used_by: created.userId }]);
  });

  it('a used code, a replaced code, an expired code and a wrong code are refused (422 naming code), each audited as denied', async () => {
    const first = await codeFor(w.grid.h3, tokens.community_staff);
    expect((await signup({ phone: '13800138002', code: first.code, password })).status).toBe(201);
    expect(await codeError(await signup({ phone: '13800138003', code: first.code, password }))).toContain('used');

    const replaced = await codeFor(w.grid.h1);
    const newer = await codeFor(w.grid.h1);
    expect(await codeError(await signup({ phone: '13800138004', code: replaced.code, password }))).toContain('replaced');

    clock.advance(61 * 60_000);
    expect(await codeError(await signup({ phone: '13800138004', code: newer.code, password }))).toContain('expired');

    expect(await codeError(await signup({ phone: '13800138004', code: 'abcd-efgh-jkmn', password }))).toContain('not a code');
    const denied = await w.database.db.selectFrom('audit_log').select('outcome').where('action', '=', 'auth.signup').where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(4);
    expect((await w.database.db.selectFrom('users').select('id').where('username', '=', '13800138004').execute())).toEqual([]);
  });

  it('a phone that has an account already is a 409 naming phone, and the code stays usable', async () => {
    const { code } = await codeFor(w.grid.h1);
    const taken = await signup({ phone: '13800138002', code, password });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['phone']);
    expect((await signup({ phone: '13800138005', code, password })).status).toBe(201);
  });

  it('bad input refused naming each field, never echoing the password', async () => {
    const res = await signup({ phone: 'call me', code: '', password: 'short', extra: true });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string[] }[] };
    expect(body.errors.map((e) => e.path.join('.')).sort()).toEqual(['code', 'extra', 'phone']);
    const weak = await signup({ phone: '13800138009', code: 'abcd-efgh-jkmn', password: 'short' });
    expect(weak.status).toBe(422);
    expect(JSON.stringify(await weak.json())).not.toContain('short"');
  });

  it('codes are issued by the household’s unit chief, its community’s staff or an admin; nobody else (403, audited)', async () => {
    expect((await issue(w.grid.h1, tokens.community_staff)).status).toBe(201);
    expect((await issue(w.grid.h4, tokens.admin)).status).toBe(201);
    expect((await issue(w.grid.h3)).status).toBe(403); // C2 is not the coordinator's corridor
    expect((await issue(w.grid.h4, tokens.community_staff)).status).toBe(403); // M2
    for (const role of ['dispatcher', 'driver', 'resident'] as const) expect((await issue(w.grid.h1, tokens[role])).status, role).toBe(403);
    expect((await issue('00000000-0000-4000-8000-000000000000', tokens.admin)).status).toBe(404);
    const denied = await w.database.db.selectFrom('audit_log').select('actor_role').where('action', '=', 'household.signup_code.issue').where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.actor_role).sort()).toEqual(['community_staff', 'coordinator', 'dispatcher', 'driver', 'resident']);
  });
});

describe('sign-up rate limit', () => {
  let limited: World;
  beforeAll(async () => {
    limited = await startWorld('signuprl', { env: { RATE_LIMIT_LOGIN_MAX: '3' } });
  });
  afterAll(async () => limited?.close());

  it('failed attempts are counted: the fourth wrong code in the window is a 429, even a right one after it', async () => {
    const admin = await limited.login('admin');
    const { code } = (await (await limited.request('POST', `/api/households/${limited.grid.h2}/signup-codes`, { token: admin })).json()) as { code: string };
    for (let i = 0; i < 3; i++) {
      expect((await limited.request('POST', '/api/auth/signup', { body: { phone: '13900139000', code: `wrong-code-${i}`, password } })).status).toBe(422);
    }
    const blocked = await limited.request('POST', '/api/auth/signup', { body: { phone: '13900139000', code, password } });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('content-type')).toContain('application/problem+json');
    expect((await limited.database.db.selectFrom('users').select('id').where('username', '=', '13900139000').execute())).toEqual([]);
  });
});
