/**
 * Operating Cordon (issue #16), on the real app, PostgreSQL and Redis, with the workers running in
 * this process as WORKERS=inline runs them (one registry for both):
 * - /healthz answers while Redis is away; /readyz then says 503 and names Redis;
 * - /metrics is refused without the token (401) and with another (403), and absent when unset (404);
 * - after a need submitted and a round planned, /metrics (parsed) holds the need counter by kind, the
 *   HTTP histogram by route template (never an id), a round planning sample, solve samples, every
 *   queue's gauges and both relays' lag, whose value agrees with what the database holds;
 * - an event delivered to a webhook receiver (a local server) is counted by the webhook worker's job
 *   metrics, the job duration and the attempt's outcome, like the planning queues' jobs;
 * - the queue dashboard answers 401 without a session, 403 to a dispatcher, 200 to an admin, refuses
 *   every action in its default read-only mode, and its page's CSP is relaxed for styles only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../config/config';
import { buildApp } from '../../src/http/app';
import { createApiOps, type AppOps } from '../../src/http/ops';
import { createProducers, type Producers } from '../../src/queue/producers';
import { createProducerRedis } from '../../src/queue/redis';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { createLivePublisher } from '../../src/services/live-status/live.service';
import { storeOnlyStream } from '../../src/services/passes/pass-alerts';
import { scope } from '../../src/contracts/events';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, type Database } from '../../src/store/db';
import { startWorkerRuntime, type WorkerRuntime } from '../../workers/runtime';
import { parseExposition } from './prometheus-text';
import { REDIS_URL, dropPrefix, freePort, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from './round.fixtures';

const TOKEN = 'scrape-token-0123456789abcdef';
const PASSWORD = 'correct horse battery';
const prefix = uniquePrefix('opsm');
const logger = createLogger({ level: 'silent' });
let database: Database;
let district: District;
let redis: Redis;
let producers: Producers;
let ops: AppOps;
let runtime: WorkerRuntime;
const servers: Server[] = [];
let base: string;
/** A webhook receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOW_HOSTS), answering 204. */
let receiver: Server;
let received = 0;
const tokens: Record<'admin' | 'dispatcher', string> = { admin: '', dispatcher: '' };

const settings = (extra: Record<string, string> = {}): Config =>
  loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, DATABASE_SCHEMA: database.schema, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0', OUTBOX_POLL_MS: '50', LIVE_EVENTS: '0', ...extra });

async function serve(app: ReturnType<typeof buildApp>): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  database = await openTestDatabase('ops_metrics');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 3, vehicles: 2 });
  // The sandboxed solve children read their database from the environment, as in production.
  process.env.DATABASE_URL = DATABASE_URL;
  process.env.DATABASE_SCHEMA = database.schema;
  redis = createProducerRedis(REDIS_URL);
  await until(() => redis.status === 'ready', 5000);
  producers = createProducers({ redis, prefix });
  receiver = createServer((req, res) => req.resume().on('end', () => (received++, res.writeHead(204).end())));
  const receiverPort = await freePort();
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  servers.push(receiver);
  const config = settings({ METRICS_TOKEN: TOKEN, WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiverPort}`, WEBHOOK_POLL_MS: '50' });
  ops = createApiOps({ database, redis });
  base = await serve(buildApp({ config, db: database.db, database, logger, clock: systemClock, redis, queue: producers, ops }));
  runtime = await startWorkerRuntime(config, logger, undefined, { metrics: ops.metrics });
  ops.readiness.add('workers', () => runtime.heartbeat());
  for (const role of ['admin', 'dispatcher'] as const) {
    await createAccount({ db: database.db }, { username: `${role}.opsm`, password: PASSWORD, role, assignments: {} }, { scryptCost: { N: 1024, r: 8, p: 1 } });
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `${role}.opsm`, password: PASSWORD }) });
    tokens[role] = ((await res.json()) as { token: string }).token;
  }
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await producers?.close();
  redis?.disconnect();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('probes', () => {
  it('/healthz answers 200 while Redis is unreachable; /readyz answers 503 naming Redis', async () => {
    const closed = createProducerRedis(`redis://127.0.0.1:${await freePort()}`);
    try {
      const url = await serve(buildApp({ config: settings(), db: database.db, database, logger, clock: systemClock, redis: closed }));
      const live = await get(`${url}/healthz`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'alive' });
      const ready = await get(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not_ready', checks: { database: 'ok', migrations: 'ok', redis: 'down' }, failing: ['redis'] });
      // The old probe keeps its answer.
      expect((await get(`${url}/health`)).status).toBe(503);
    } finally {
      closed.disconnect();
    }
  });

  it('/readyz answers 200 when the database, migrations, Redis and the workers are fine', async () => {
    const res = await get(`${base}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', redis: 'ok', workers: 'ok' }, failing: [] });
    expect(res.status).toBe(200);
  });
});

describe('/metrics', () => {
  it('refuses without the token (401) and with another (403); is absent while METRICS_TOKEN is unset (404)', async () => {
    const none = await get(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await get(`${base}/metrics`, bearer(`${TOKEN}x`));
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // A user's session token is not the metrics token either.
    expect((await get(`${base}/metrics`, bearer(tokens.admin))).status).toBe(403);
    const off = await serve(buildApp({ config: settings(), db: database.db, database, logger, clock: systemClock }));
    expect((await get(`${off}/metrics`, bearer(TOKEN))).status).toBe(404);
  });

  it('after a need and a planned round: the need counter, HTTP by route, round and solve samples, queue gauges, relay lag', async () => {
    const household = await database.db.selectFrom('households').select('id').limit(1).executeTakeFirstOrThrow();
    const submitted = await fetch(`${base}/api/households/${household.id}/needs`, {
      method: 'POST', headers: { ...bearer(tokens.admin), 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'gas', details: { cylinders: 1 } }),
    });
    expect(submitted.status).toBe(201);
    const started = await fetch(`${base}/api/rounds`, {
      method: 'POST', headers: { ...bearer(tokens.dispatcher), 'content-type': 'application/json' }, body: JSON.stringify({ areaId: district.districtId, kind: 'food', timeLimitMs: 300 }),
    });
    expect(started.status).toBe(201);
    const { id: roundId } = (await started.json()) as { id: string };
    await until(async () => (await database.db.selectFrom('rounds').select('status').where('id', '=', roundId).executeTakeFirstOrThrow()).status === 'proposed', 60_000, 100);
    const proposedBy = Date.now();
    // The outbox relay (in the workers) has published the need's event.
    await until(async () => Number((await sql<{ n: string }>`select count(*) as n from outbox where published_at is null`.execute(database.db)).rows[0]?.n) === 0, 20_000);

    const res = await get(`${base}/metrics`, bearer(TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(await res.text());
    const scrapedBy = Date.now();

    expect(m.types.get('cordon_needs_accepted_total')).toBe('counter');
    expect(m.value('cordon_needs_accepted_total', { kind: 'gas' })).toBe(1);

    expect(m.types.get('cordon_http_request_duration_seconds')).toBe('histogram');
    expect(m.value('cordon_http_request_duration_seconds_count', { method: 'POST', route: '/api/households/:householdId/needs', status: '201' })).toBe(1);
    expect(m.value('cordon_http_request_duration_seconds_count', { method: 'POST', route: '/api/rounds', status: '201' })).toBe(1);
    // Route templates only: no id of any household or round in any label.
    const labelValues = m.find('cordon_http_request_duration_seconds_count').flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => v.includes(household.id) || v.includes(roundId))).toEqual([]);

    expect(m.types.get('cordon_round_planning_duration_seconds')).toBe('histogram');
    expect(m.value('cordon_round_planning_duration_seconds_count')).toBe(1);
    const planning = m.value('cordon_round_planning_duration_seconds_sum');
    expect(planning).toBeGreaterThan(0);
    expect(planning).toBeLessThan((scrapedBy - Number(new Date((await database.db.selectFrom('rounds').select('created_at').where('id', '=', roundId).executeTakeFirstOrThrow()).created_at))) / 1000 + 1);
    const subproblems = (await database.db.selectFrom('round_subproblems').select('id').where('round_id', '=', roundId).execute()).length;
    expect(m.value('cordon_round_subproblems_count')).toBe(1);
    expect(m.value('cordon_round_subproblems_sum')).toBe(subproblems);
    expect(m.value('cordon_solve_duration_seconds_count')).toBe(subproblems);
    expect(m.value('cordon_solve_iterations_count')).toBe(subproblems);
    expect(m.value('cordon_job_duration_seconds_count', { queue: 'solve', job: 'round.solve', outcome: 'completed' })).toBe(subproblems);
    expect(m.value('cordon_job_duration_seconds_count', { queue: 'rounds', job: 'round.merge', outcome: 'completed' })).toBe(1);

    expect(m.types.get('cordon_queue_jobs')).toBe('gauge');
    for (const queue of ['rounds', 'solve', 'needs', 'urgent', 'maintenance']) {
      for (const state of ['waiting', 'active', 'failed', 'delayed']) expect(m.value('cordon_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
    }
    expect(m.value('cordon_queue_jobs', { queue: 'solve', state: 'failed' })).toBe(0);

    // Nothing waits in the outbox; the need status changes of the planned round wait for a relay this
    // test does not run, since before the round was proposed, in the bulk lane (issue #21); the
    // need's intake, in the interactive lane, waits too.
    expect(m.value('cordon_relay_lag_seconds', { relay: 'outbox' })).toBe(0);
    expect(m.value('cordon_relay_lag_seconds', { relay: 'need_status' })).toBeGreaterThan(0);
    const lag = m.value('cordon_relay_lag_seconds', { relay: 'need_status_bulk' });
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeGreaterThanOrEqual((scrapedBy - proposedBy) / 1000 - 0.5);
    expect(m.value('cordon_readiness_check', { check: 'redis' })).toBe(1);
    expect(m.value('cordon_readiness_check', { check: 'workers' })).toBe(1);
    expect(m.value('cordon_db_pool_in_use_connections')).toBeGreaterThanOrEqual(0);
    expect(m.find('process_cpu_user_seconds_total')).toHaveLength(1);
  }, 90_000);
});

describe('webhook and notice workers', () => {
  it('an event delivered to a webhook receiver is counted: the job’s duration and the attempt’s outcome', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await sql`insert into webhook_endpoints (url, events, secret) values (${url}, '{round.dispatched}', ${`whsec_${Buffer.alloc(24, 7).toString('base64')}`})`.execute(database.db);
    const publisher = createLivePublisher({ db: database.db, stream: storeOnlyStream, clock: systemClock, logger });
    await publisher.publish([scope.dispatch], { type: 'round.dispatched', roundId: 'r-metrics', batchIds: [] });
    await until(() => received === 1, 20_000);
    const metricsNow = async () => parseExposition(await (await get(`${base}/metrics`, bearer(TOKEN))).text());
    // The receiver answers before the worker counts the attempt and completes the job: wait for both
    // samples to appear (value() throws while a sample is absent, which would end the wait at once).
    await until(async () => {
      const m = await metricsNow();
      return m.find('cordon_webhook_attempts_total', { outcome: 'delivered' })[0]?.value === 1
        && m.find('cordon_job_duration_seconds_count', { queue: 'webhooks', job: 'webhook.deliver', outcome: 'completed' })[0]?.value === 1;
    }, 10_000);
    const m = await metricsNow();
    expect(m.types.get('cordon_webhook_attempts_total')).toBe('counter');
    expect(m.value('cordon_job_duration_seconds_count', { queue: 'webhooks', job: 'webhook.deliver', outcome: 'completed' })).toBe(1);
    expect(m.value('cordon_readiness_check', { check: 'workers' })).toBe(1);
  });
});

describe('queue dashboard', () => {
  it('answers 401 without a session, 403 to a dispatcher, 200 to an admin', async () => {
    expect((await get(`${base}/admin/queues`)).status).toBe(401);
    const dispatcher = await get(`${base}/admin/queues`, bearer(tokens.dispatcher));
    expect(dispatcher.status).toBe(403);
    expect(dispatcher.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const admin = await get(`${base}/admin/queues`, bearer(tokens.admin));
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('<base href="/admin/queues/"');
    const csp = admin.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("base-uri 'self'");
    const queues = await get(`${base}/admin/queues/api/queues`, bearer(tokens.admin));
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string; readOnlyMode: boolean }[] }).queues.map((q) => [q.name, q.readOnlyMode]);
    expect(names.sort()).toEqual([['maintenance', true], ['needs', true], ['rounds', true], ['solve', true], ['urgent', true]]);
    // The app's own pages keep their strict policy.
    expect((await get(`${base}/healthz`)).headers.get('content-security-policy')).toContain("style-src 'self';");
  });

  it('is read-only by default: an admin\'s retry or pause is refused', async () => {
    for (const path of ['/admin/queues/api/queues/solve/retry/failed', '/admin/queues/api/queues/solve/pause']) {
      const res = await fetch(`${base}${path}`, { method: 'PUT', headers: bearer(tokens.admin) });
      expect(res.status, path).toBe(403);
    }
    expect(await producers.queue('solve').isPaused()).toBe(false);
  });
});
