/**
 * Rate limits on the real Redis: login per IP and per username (failed attempts only), intake per
 * actor; and what happens when Redis is gone: login fails closed (503), intake fails open, neither
 * hangs, and the limiter heals when Redis comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { intakeRateLimit, loginRateLimit, type RateLimitDeps } from '../../src/http/rate-limit';
import { isAppError } from '../../src/shared/errors';
import { createLogger } from '../../src/shared/logger';
import { freePort, startPrivateRedis, until, type PrivateRedis } from './queue.fixtures';
import { PASSWORD, REDIS_URL, startWorld, type World } from './auth.fixture';

let w: World;
beforeAll(async () => {
  w = await startWorld('ratelimit', { redis: true, env: { RATE_LIMIT_LOGIN_MAX: '3', RATE_LIMIT_LOGIN_WINDOW_S: '60', TRUST_PROXY: '1' } });
});
afterAll(async () => w?.close());

const attempt = (username: string, password: string, ip: string) =>
  w.request('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });

describe('login rate limit (Redis)', () => {
  it('per IP: the 4th failed attempt from one address gets 429 problem+json with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(`ghost${i}`, 'wrong password', '10.0.0.1')).status).toBe(401);
    const res = await attempt('ghost9', 'wrong password', '10.0.0.1');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password is refused from that address until the window ends.
    expect((await attempt(w.users.admin.username, PASSWORD, '10.0.0.1')).status).toBe(429);
    // Another address is not affected.
    expect((await attempt(w.users.admin.username, PASSWORD, '10.0.0.2')).status).toBe(200);
  });

  it('per username: failures spread over many addresses still lock that username only', async () => {
    const target = w.users.dispatcher.username;
    for (let i = 0; i < 3; i++) expect((await attempt(target, 'wrong password', `10.1.0.${i}`)).status).toBe(401);
    expect((await attempt(target.toUpperCase(), PASSWORD, '10.1.0.9')).status).toBe(429);
    expect((await attempt(w.users.driver.username, PASSWORD, '10.1.0.9')).status).toBe(200);
  });

  it('successful logins do not count (a busy office behind one address keeps working)', async () => {
    for (let i = 0; i < 6; i++) expect((await attempt(w.users.coordinator.username, PASSWORD, '10.2.0.1')).status).toBe(200);
  });

  it('the counters live in Redis under the schema prefix (shared by every API process)', async () => {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`rl:${w.database.schema}:login-ip:*`);
    r.disconnect();
    expect(keys.length).toBeGreaterThan(0);
  });
});

/** A bare app with one limiter, an actor stub and a problem handler: the limiter alone under test. */
async function limiterApp(limiter: RequestHandler | RequestHandler[]) {
  const app = express();
  app.use(express.json());
  app.use((_req, res, next) => {
    res.locals.actor = { userId: 'u-1', role: 'resident', corridorIds: [], communityIds: [] };
    next();
  });
  app.post('/x', ...[limiter].flat(), (_req, res) => void res.json({ ok: true }));
  const problems: ErrorRequestHandler = (err, _req, res, _next) => void res.status(isAppError(err) ? err.status : 500).json({ code: isAppError(err) ? err.code : 'internal' });
  app.use(problems);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  const post = async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"a"}' });
    return { status: res.status, body: (await res.json()) as { code?: string } };
  };
  return { post, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const settings = { RATE_LIMIT_LOGIN_MAX: 3, RATE_LIMIT_LOGIN_WINDOW_S: 60, RATE_LIMIT_INTAKE_MAX: 2, RATE_LIMIT_INTAKE_WINDOW_S: 60 };
const limitDeps = (redis: Redis, prefix: string): RateLimitDeps => ({ redis, config: settings, logger: createLogger({ level: 'silent' }), prefix, redisTimeoutMs: 300 });

describe('intake rate limit (Redis)', () => {
  it('per actor: the 3rd request in the window gets 429', async () => {
    const redis = new Redis(REDIS_URL);
    const app = await limiterApp(intakeRateLimit(limitDeps(redis, `rl:t-intake-${process.pid}-${Date.now()}:`)));
    expect((await app.post()).status).toBe(200);
    expect((await app.post()).status).toBe(200);
    const third = await app.post();
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('rate_limited');
    await app.close();
    redis.disconnect();
  });
});

describe('with Redis down', () => {
  let dead: PrivateRedis | undefined;
  let port: number;
  let redis: Redis;
  beforeAll(async () => {
    port = await freePort();
    // A client like the API's own: it keeps reconnecting and, with the offline queue on, would
    // hold commands until Redis returns; the limiter's deadline must answer anyway.
    redis = new Redis(`redis://127.0.0.1:${port}`, { retryStrategy: () => 100, maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
  });
  afterAll(async () => {
    redis.disconnect();
    await dead?.stop();
  });

  it('login fails closed (503) and intake fails open (200), both answered while Redis stays down; then both heal', async () => {
    const login = await limiterApp(loginRateLimit(limitDeps(redis, `rl:t-down-${process.pid}:`)));
    const intake = await limiterApp(intakeRateLimit(limitDeps(redis, `rl:t-down-${process.pid}:`)));
    // Redis does not come back until both have answered: without the limiter's own deadline the
    // client above would hold these requests for ever, so an answer at all is the behaviour (a hang
    // fails the test at its timeout). How fast it answers is no business of this test.
    const l = await login.post();
    expect(l.status).toBe(503);
    expect(l.body.code).toBe('unavailable');
    const i = await intake.post();
    expect(i.status).toBe(200);

    // Redis comes back on the same port: the limiter (whose scripts failed to load at start) heals.
    dead = await startPrivateRedis(port);
    await until(async () => (await login.post()).status === 200, 10_000, 200);
    const statuses = [(await intake.post()).status, (await intake.post()).status, (await intake.post()).status];
    expect(statuses).toContain(429);
    await login.close();
    await intake.close();
  });
});
