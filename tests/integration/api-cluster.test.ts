/**
 * API_PROCESSES > 1: `src/main.ts` as a real process, a cluster of two API processes on one port,
 * workers inline in its primary. One cluster for the file (each start loads the app in three
 * processes), its tests in order:
 * - GET /metrics: the processes share the port, so a scrape reaching one of them must still count the
 *   requests the other served, and show the primary's workers (queue gauges). Each request opens its
 *   own connection, which node's cluster hands to the processes in turn.
 * - Broke before: an API process that died was logged and never replaced.
 */
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { parseExposition } from './prometheus-text';
import { dropPrefix, freePort, REDIS_URL, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';
import { childPidsOf, pidsTagged, spawnApi, type ApiProcess } from './process.fixtures';

const TOKEN = 'cluster-scrape-token-0123456789';
const prefix = uniquePrefix('cluster');
let database: Database;
let api: ApiProcess;
let url: string;

beforeAll(async () => {
  database = await openTestDatabase('api_cluster');
  api = spawnApi({
    DATABASE_URL, DATABASE_SCHEMA: database.schema, DATABASE_POOL_SIZE: '3', API_PROCESSES: '2', PORT: String(await freePort()),
    QUEUE_PREFIX: prefix, METRICS_TOKEN: TOKEN, WORKERS: 'inline', RECONCILE_EVERY_MS: '0', LIVE_EVENTS: 'off',
  });
  url = await api.url();
  await until(() => childPidsOf(api.proc.pid!).length === 2, 30_000);
}, 120_000);
afterAll(async () => {
  for (const pid of api ? pidsTagged(api.tag) : []) process.kill(pid, 'SIGKILL');
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

/** One GET on a connection of its own (no keep-alive: the cluster spreads connections, not requests). */
function getOnce(target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(target, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The port answers at all (any HTTP status): what a dead process must not take away. */
const answering = async (target: string) => {
  try {
    return (await fetch(`${target}/health`, { signal: AbortSignal.timeout(15_000) })).status > 0;
  } catch {
    return false;
  }
};

const healthy = async (target: string) => {
  try {
    // Bounded: a probe that hung would otherwise eat the whole test's time.
    return (await fetch(`${target}/health`, { signal: AbortSignal.timeout(5_000) })).status === 200;
  } catch {
    return false;
  }
};

describe('API cluster', () => {
  // First: it counts every /healthz request the cluster served, and no process has been replaced yet.
  it('metrics: any process answers for all, requests served by either are counted, and the primary\'s workers show', async () => {
    await until(() => api.lines.some((l) => l.includes('workers started')), 30_000);
    const probes = 20;
    for (let i = 0; i < probes; i++) expect((await getOnce(`${url}/healthz`)).status).toBe(200);
    for (let scrape = 0; scrape < 4; scrape++) {
      const res = await getOnce(`${url}/metrics`, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(200);
      const m = parseExposition(res.body);
      // Both processes' requests, whichever process this scrape reached.
      expect(m.value('cordon_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status: '200' })).toBe(probes);
      // The primary's inline workers: every queue's gauges.
      for (const queue of ['rounds', 'solve', 'needs', 'urgent', 'maintenance']) expect(m.value('cordon_queue_jobs', { queue, state: 'failed' })).toBe(0);
      expect(m.value('cordon_live_sockets')).toBe(0);
      // Every process's checks, the primary's workers included.
      for (const check of ['database', 'migrations', 'redis', 'workers']) expect(m.value('cordon_readiness_check', { check })).toBe(1);
    }
    expect((await getOnce(`${url}/metrics`)).status).toBe(401);
  }, 120_000);

  it('a dead API process was logged but not replaced: now a new one takes its place and the port keeps answering', async () => {
    const primary = api.proc.pid!;
    await until(() => childPidsOf(primary).length === 2, 30_000);
    const [victim, survivor] = childPidsOf(primary) as [number, number];
    process.kill(victim, 'SIGKILL');
    // Until the primary has seen the exit, the round-robin scheduler may still hand a new connection to
    // the dead process (node closes it): a client retries that. From then on no connection is refused.
    await until(() => api.lines.some((l) => l.includes('API process died; replacing it')), 30_000);
    let answers = 0;
    let refusals = 0;
    const log = () => `\n--- the cluster's log:\n${api.lines.slice(-40).join('\n')}`;
    await until(async () => {
      // Meanwhile the other process serves the port (a 503 while the machine is loaded still answers:
      // /health also checks the database and Redis, which is not what this test is about).
      if (await answering(url)) answers++;
      else refusals++;
      const now = childPidsOf(primary);
      return now.length === 2 && !now.includes(victim) && api.lines.some((l) => l.includes('API process replaced'));
    }, 60_000, 100).catch((err: Error) => {
      throw new Error(`${err.message} (children now: ${childPidsOf(primary).join(', ')}; survivor ${survivor})${log()}`);
    });
    expect(childPidsOf(primary), log()).toContain(survivor);
    expect({ answers, refusals }, log()).toMatchObject({ refusals: 0 });
    expect(answers, log()).toBeGreaterThan(0);
    expect(api.lines.some((l) => l.includes('API process died; replacing it'))).toBe(true);
    // Both processes serve: a batch of fresh connections all answer.
    const batch = await Promise.all(Array.from({ length: 10 }, () => healthy(url)));
    expect(batch.every(Boolean)).toBe(true);

    // Stopping does not replace anything, and leaves nothing behind.
    api.proc.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(api.lines.filter((l) => l.includes('API process died')).length).toBe(1);
    await until(() => pidsTagged(api.tag).length === 0, 10_000);
  }, 240_000);
});
