/**
 * The web app's session cookie against the real PostgreSQL: set HttpOnly and SameSite=Strict with
 * no token in the answer, Secure and `__Host-` behind TLS; it authenticates, logout ends it and
 * clears it; cross-site writes carrying it are refused (CSRF), login included, while bearer
 * clients are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startWorld, type World } from './auth.fixture';

let w: World;

beforeAll(async () => {
  w = await startWorld('cookie', { env: { TRUST_PROXY: '1' } });
});
afterAll(async () => w?.close());

async function cookieLogin(role: 'coordinator' | 'dispatcher' | 'admin', headers: Record<string, string> = {}): Promise<{ res: Response; cookie: string; body: Record<string, unknown> }> {
  const res = await w.request('POST', '/api/auth/login', { body: { username: w.users[role].username, password: PASSWORD, session: 'cookie' }, headers });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { res, cookie: setCookie.split(';')[0] ?? '', body: (await res.json()) as Record<string, unknown> };
}

const sameOrigin = () => ({ 'sec-fetch-site': 'same-origin', origin: w.url });

describe('cookie session', () => {
  it('login sets an HttpOnly, SameSite=Strict cookie and answers no token; the cookie authenticates', async () => {
    const { res, cookie, body } = await cookieLogin('coordinator', sameOrigin());
    expect(res.status).toBe(200);
    expect(body).not.toHaveProperty('token');
    expect(body).toMatchObject({ tokenType: 'Cookie', mustChangePassword: false, user: { role: 'coordinator' } });
    const attributes = (res.headers.get('set-cookie') ?? '').split(';').map((a) => a.trim().toLowerCase());
    expect(cookie).toMatch(/^cordon_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(attributes).not.toContain('secure');
    const me = await w.request('GET', '/api/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: w.users.coordinator.id, role: 'coordinator' });
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('behind TLS the cookie is __Host- and Secure, and only that one counts there', async () => {
    const { res, cookie } = await cookieLogin('dispatcher', { 'x-forwarded-proto': 'https' });
    expect(cookie).toMatch(/^__Host-cordon_session=/);
    expect((res.headers.get('set-cookie') ?? '').toLowerCase()).toContain('; secure');
    expect((await w.request('GET', '/api/auth/me', { headers: { cookie, 'x-forwarded-proto': 'https' } })).status).toBe(200);
    // A plain-named cookie over TLS (planted by a sibling subdomain, say) is not a session there.
    const planted = cookie.replace('__Host-', '');
    expect((await w.request('GET', '/api/auth/me', { headers: { cookie: planted, 'x-forwarded-proto': 'https' } })).status).toBe(401);
  });

  it('logout ends the session, clears the cookie and tells the browser to drop its cache', async () => {
    const { cookie } = await cookieLogin('coordinator');
    const out = await w.request('POST', '/api/auth/logout', { headers: { cookie, ...sameOrigin() } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^cordon_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(out.headers.get('clear-site-data')).toBe('"cache"');
    const after = await w.request('GET', '/api/auth/me', { headers: { cookie } });
    expect(after.status).toBe(401);
    // A dead cookie is cleared too, so the browser stops sending it.
    expect(after.headers.get('set-cookie')).toMatch(/^cordon_session=;/);
  });

  it('CSRF: a write carrying the cookie is refused when the browser says it comes from another site, or from another origin', async () => {
    const { cookie } = await cookieLogin('admin');
    const write = (headers: Record<string, string>) =>
      w.request('POST', `/api/admin/users/${w.users.spare.id}/revoke-sessions`, { headers: { cookie, ...headers } });
    const refused: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }];
    for (const headers of refused) {
      const res = await write(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/cross-site request forgery/);
    }
    expect((await write(sameOrigin())).status).toBe(200);
    // Not a browser (no Fetch Metadata, no Origin): no ambient cookie to abuse.
    expect((await write({})).status).toBe(200);
    // Reads are not refused: they change nothing.
    expect((await w.request('GET', '/api/auth/me', { headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('no login from another site either (login CSRF)', async () => {
    const res = await w.request('POST', '/api/auth/login', {
      body: { username: w.users.dispatcher.username, password: PASSWORD, session: 'cookie' },
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('bearer clients are unaffected, even with cross-site metadata (browsers never add the header themselves)', async () => {
    const token = await w.login('admin');
    const res = await w.request('POST', `/api/admin/users/${w.users.spare.id}/revoke-sessions`, { token, headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    const login = await w.request('POST', '/api/auth/login', { body: { username: w.users.dispatcher.username, password: PASSWORD } });
    expect(await login.json()).toMatchObject({ tokenType: 'Bearer', token: expect.any(String) });
    expect(login.headers.get('set-cookie')).toBeNull();
  });
});
