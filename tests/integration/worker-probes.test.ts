/**
 * The workers process's probe and metrics listener (`npm run workers` as a real process, PostgreSQL,
 * a Redis of its own that the test stops):
 * - /healthz 200; /readyz 200 once the workers take jobs, naming each check; /metrics refused without
 *   the token (401) or with another (403), and this process's metrics with it (parsed);
 * - Redis stopping: /readyz turns 503 naming redis and workers, /healthz stays 200, /metrics still
 *   answers (without the queue gauges it cannot read);
 * - the probe port in use: one line naming WORKER_PROBE_PORT, exit 1, and no worker ever started.
 * (WORKER_PROBE_PORT=off: worker-startup.test.ts.) Each test waits on a process of its own, so they run
 * side by side; the first stops the file's Redis, which the port-in-use process never reaches.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { parseExposition } from './prometheus-text';
import { dropPrefix, spawnWorkers, startPrivateRedis, uniquePrefix, until, type PrivateRedis, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';

const TOKEN = 'worker-scrape-token-0123456789';
const prefix = uniquePrefix('wprobe');
let database: Database;
let redis: PrivateRedis;
const started: WorkerProcess[] = [];

beforeAll(async () => {
  database = await openTestDatabase('worker_probes');
  redis = await startPrivateRedis();
});
afterAll(async () => {
  for (const w of started) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await Promise.all(started.map((w) => w.exited));
  await dropPrefix(redis.url, prefix).catch(() => undefined);
  await redis.stop();
  await dropSchema(database);
  await database.close();
});

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0', METRICS_TOKEN: TOKEN, ...extra,
});

function spawn(extra: Record<string, string> = {}): WorkerProcess {
  const w = spawnWorkers(env(extra));
  started.push(w);
  return w;
}

/** The port the process says its probes listen on. */
async function probePort(w: WorkerProcess): Promise<number> {
  await w.waitForLog(/probes and metrics on port/, 30_000);
  const line = w.lines.find((l) => l.includes('probes and metrics on port'))!;
  return (JSON.parse(line) as { port: number }).port;
}

describe.concurrent('workers probe listener', () => {
  it('answers /healthz, /readyz and /metrics (token only), and says 503 naming Redis once it stops', async () => {
    const w = spawn();
    const base = `http://127.0.0.1:${await probePort(w)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // Ready once the workers run: every check named.
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 100);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', checks: { workers: 'ok', database: 'ok', migrations: 'ok', redis: 'ok' }, failing: [] });

    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(403);
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const m = parseExposition(await res.text());
    for (const queue of ['rounds', 'solve', 'needs', 'urgent', 'maintenance']) expect(m.value('cordon_queue_jobs', { queue, state: 'waiting' })).toBe(0);
    expect(m.value('cordon_relay_lag_seconds', { relay: 'outbox' })).toBe(0);
    expect(m.value('cordon_readiness_check', { check: 'workers' })).toBe(1);
    expect(m.value('cordon_db_pool_in_use_connections')).toBeGreaterThanOrEqual(0);
    expect(m.find('nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
    expect((await fetch(`${base}/readyz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);

    await redis.stop();
    await until(async () => (await fetch(`${base}/readyz`)).status === 503, 20_000, 100);
    const down = (await (await fetch(`${base}/readyz`)).json()) as { failing: string[]; checks: Record<string, string> };
    expect(down.failing).toEqual(expect.arrayContaining(['redis', 'workers']));
    expect(down.checks.database).toBe('ok');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The scrape still answers: the queue gauges, unreadable, are left out; readiness says why.
    const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    const during = parseExposition(await scraped.text());
    expect(during.find('cordon_queue_jobs')).toEqual([]);
    expect(during.value('cordon_readiness_check', { check: 'redis' })).toBe(0);
    expect(during.value('cordon_relay_lag_seconds', { relay: 'outbox' })).toBe(0);

    // Redis back, then a clean stop (a stop waits for the workers' connections).
    redis = await startPrivateRedis(redis.port);
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 100);
    w.proc.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 120_000);

  it('a SIGTERM while its Redis was away never ended: a second signal now exits at once, saying so', async () => {
    const own = await startPrivateRedis();
    const w = spawnWorkers(env({ REDIS_URL: own.url, WORKER_PROBE_PORT: 'off' }));
    started.push(w);
    await w.waitForLog(/workers started/, 30_000);
    await own.stop();
    w.proc.kill('SIGTERM');
    await w.waitForLog(/shutting down/, 20_000);
    w.proc.kill('SIGTERM');
    expect((await w.exited).code).toBe(1);
    expect(w.lines.some((l) => l.includes('second signal: exiting now'))).toBe(true);
  }, 120_000);

  it('stops with one line naming WORKER_PROBE_PORT when the port is in use, before any worker starts', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const w = spawn({ WORKER_PROBE_PORT: String(port) });
      expect((await w.exited).code).toBe(1);
      const out = w.lines.join('\n');
      expect(out).toContain(`WORKER_PROBE_PORT ${port} is in use by another process`);
      expect(out).toContain('WORKER_PROBE_PORT=off');
      expect(out).not.toMatch(/workers started/);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  }, 60_000);
});
