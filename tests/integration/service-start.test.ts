/**
 * `npm start` on its own plans rounds: startService (what src/main.ts calls) runs the workers inline.
 * Broke before: `npm start` served the API only, so a round started in the quick start stayed
 * `planning` for ever (no worker), and separate workers refused PGlite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { startService, type RunningService } from '../../src/service-startup';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, openDatabase } from '../../src/store/db';
import { REDIS_URL, dropPrefix, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL } from './round.fixtures';

const logger = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Starts the service on a free port with its own queue prefix; stopped after the file. */
async function start(env: Record<string, string>): Promise<RunningService> {
  const prefix = uniquePrefix('start');
  // Live events off: other test files listen on the shared default stream.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL, REDIS_AUTOSTART: 'off', LOG_LEVEL: 'silent', NODE_ENV: 'test', QUEUE_PREFIX: prefix, LIVE_EVENTS: '0', RECONCILE_EVERY_MS: '0', ...env });
  const service = await startService(config, logger);
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await service.stop();
    await dropPrefix(REDIS_URL, prefix);
  });
  return { ...service, stop: async () => { stopped = true; await service.stop(); } };
}

/** Logs in as the demo dispatcher, starts a food round for a community over HTTP, waits for `proposed`. */
async function planRoundOverHttp(service: RunningService): Promise<{ status: string; trips: number; unserved: number; needs: number }> {
  const login = service.logins?.find((l) => l.role === 'dispatcher');
  expect(login, 'the demo district was seeded').toBeDefined();
  let token = '';
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${service.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, `${path}`).toBeLessThan(300);
    return res.json() as Promise<Record<string, unknown>>;
  };
  token = (await call('/api/auth/login', { username: login!.username, password: login!.password })).token as string;
  const areas = (await call('/api/corridors')).areas as { communityId: string }[];
  const round = await call('/api/rounds', { areaId: areas[0]!.communityId, kind: 'food', timeLimitMs: 500 });
  let status = '';
  await until(async () => {
    status = (await call(`/api/rounds/${round.id as string}`)).status as string;
    return status === 'proposed' || status === 'failed';
  }, 120_000, 200);
  const proposal = await call(`/api/rounds/${round.id as string}/proposal`);
  const trips = proposal.trips as { stops: { bags: { needId: string }[] }[] }[];
  const served = new Set(trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId))));
  return { status, trips: trips.length, unserved: (proposal.unserved as unknown[]).length, needs: served.size };
}

describe('npm start plans rounds without a separate worker process', () => {
  it('with embedded PGlite (the quick start): workers share its one connection', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cordon-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const service = await start({ DATA_DIR: dataDir });
    const plan = await planRoundOverHttp(service);
    expect(plan.status).toBe('proposed');
    expect(plan.trips).toBeGreaterThan(0);
    expect(plan.needs).toBeGreaterThan(0);
    // SIGTERM's path: workers stop (no active job left), then the API and the database.
    await service.stop();
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  }, 150_000);

  it('with PostgreSQL: sandboxed solves, the workers started once by startService', async () => {
    const schema = `t_start_${process.pid}`;
    const database = await openDatabase({ url: DATABASE_URL, schema, poolSize: 2 });
    await dropSchema(database);
    cleanups.push(async () => {
      await dropSchema(database);
      await database.close();
    });
    // The sandboxed solve child reads its database from the environment it inherits, as in production.
    const saved = { url: process.env.DATABASE_URL, schema: process.env.DATABASE_SCHEMA };
    process.env.DATABASE_URL = DATABASE_URL;
    process.env.DATABASE_SCHEMA = schema;
    cleanups.push(async () => {
      for (const [key, value] of [['DATABASE_URL', saved.url], ['DATABASE_SCHEMA', saved.schema]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    const service = await start({ DATABASE_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '5' });
    const plan = await planRoundOverHttp(service);
    expect(plan.status).toBe('proposed');
    expect(plan.trips).toBeGreaterThan(0);
    await service.stop();
  }, 60_000);
});
