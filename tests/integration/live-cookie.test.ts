/**
 * Socket.IO authenticated by the web app's HttpOnly session cookie: accepted from the app's own
 * origin (and from non-browsers, which send none), refused from another site's page (cross-site
 * WebSocket hijacking); a session that must still change an admin-set password gets no socket.
 */
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { liveFixture, type LiveFixture } from './live-harness';

let f: LiveFixture;
let url: string;

beforeAll(async () => {
  f = await liveFixture('cookie');
  ({ url } = await f.startServer());
});
afterAll(async () => f?.close());

/** 'connected', or the refusal's message. */
function handshake(headers: Record<string, string>, auth?: Record<string, string>): Promise<string> {
  const socket = connectClient(url, { transports: ['websocket'], extraHeaders: headers, reconnection: false, ...(auth ? { auth } : {}) });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.disconnect(), resolve('connected')));
    socket.once('connect_error', (err) => (socket.disconnect(), resolve(err.message)));
  });
}

describe('live connections from the session cookie', () => {
  it('the cookie authenticates a handshake from the app’s own origin, or from no browser at all', async () => {
    const token = await f.login('dispatcher');
    expect(await handshake({ cookie: `cordon_session=${token}`, origin: url })).toBe('connected');
    expect(await handshake({ cookie: `cordon_session=${token}` })).toBe('connected');
    expect(await handshake({ cookie: `other=1; __Host-cordon_session=${token}`, origin: url })).toBe('connected');
  });

  it('another site’s page cannot open a socket with the visitor’s cookie', async () => {
    const token = await f.login('dispatcher');
    expect(await handshake({ cookie: `cordon_session=${token}`, origin: 'https://evil.example' })).toBe('unauthenticated');
    expect(await handshake({ cookie: `cordon_session=${token}`, origin: 'not a url' })).toBe('unauthenticated');
    expect(await handshake({ cookie: 'cordon_session=unknown-token', origin: url })).toBe('unauthenticated');
    // A bearer token in the handshake is no ambient credential: any origin may use it.
    expect(await handshake({ origin: 'https://ops.example.org' }, { token })).toBe('connected');
  });

  it('a session whose account must change an admin-set password gets no socket', async () => {
    const admin = { userId: '00000000-0000-4000-8000-000000000001', role: 'admin' as const, corridorIds: [], communityIds: [] };
    await createAccount({ db: f.database.db }, { username: 'fresh.dispatcher', password: 'a one-time password from the admin', role: 'dispatcher' }, { by: admin, scryptCost: { N: 1024, r: 8, p: 1 } });
    const { token, mustChangePassword } = await f.auth.login('fresh.dispatcher', 'a one-time password from the admin');
    expect(mustChangePassword).toBe(true);
    expect(await handshake({ cookie: `cordon_session=${token}`, origin: url })).toBe('unauthenticated');
    expect(await handshake({}, { token })).toBe('unauthenticated');
  });
});
