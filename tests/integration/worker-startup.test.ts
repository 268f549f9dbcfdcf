/**
 * Worker start-up: a Redis that may evict keys is refused, unless explicitly allowed (then loudly); a
 * bad setting is refused; WORKER_PROBE_PORT=off runs no probe listener. Each test waits on a process
 * of its own, so they run side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { dropPrefix, spawnWorkers, startPrivateRedis, uniquePrefix, type PrivateRedis } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';

const prefix = uniquePrefix('wstart');
let database: Database;
let redis: PrivateRedis;

beforeAll(async () => {
  database = await openTestDatabase('worker_startup');
  redis = await startPrivateRedis(undefined, 'allkeys-lru');
});
afterAll(async () => {
  await dropPrefix(redis.url, prefix);
  await redis.stop();
  await dropSchema(database);
  await database.close();
});

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0', ...extra,
});

describe.concurrent('worker start-up checks', () => {
  it('refuses to start on a Redis whose maxmemory-policy is not noeviction', async () => {
    const w = spawnWorkers(env());
    expect((await w.exited).code).toBe(1);
    expect(w.lines.join('\n')).toMatch(/maxmemory-policy is \\"allkeys-lru\\", not \\"noeviction\\"/);
  }, 90_000);

  // One process for two checks (each start loads the app): the eviction override, and the probe listener off.
  it('starts with WORKER_ALLOW_EVICTION=1, warning loudly; runs no listener with WORKER_PROBE_PORT=off; stops cleanly on SIGINT', async () => {
    const w = spawnWorkers(env({ WORKER_ALLOW_EVICTION: '1', WORKER_PROBE_PORT: 'off' }));
    await w.waitForLog(/workers started/);
    expect(w.lines.some((l) => l.includes('"level":40') && l.includes('!!!') && l.includes('allkeys-lru'))).toBe(true);
    expect(w.lines.some((l) => l.includes('probes and metrics on port'))).toBe(false);
    w.proc.kill('SIGINT');
    expect(await w.exited).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('refuses a bad setting, naming the variable', async () => {
    const w = spawnWorkers(env({ WORKER_STALLED_INTERVAL_MS: 'soon' }));
    expect((await w.exited).code).not.toBe(0);
    expect(w.lines.join('\n')).toContain('WORKER_STALLED_INTERVAL_MS');
  }, 90_000);
});
