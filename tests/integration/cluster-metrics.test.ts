/**
 * GET /metrics with API_PROCESSES=2 (`src/main.ts` as a real process, workers inline in its primary):
 * the processes share the port, so a scrape reaching one of them must still count the requests the
 * other served, and show the primary's workers (queue gauges). Each request below opens its own
 * connection, which node's cluster hands to the processes in turn.
 */
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { parseExposition } from './prometheus-text';
import { pidsTagged, spawnApi, childPidsOf, type ApiProcess } from './process.fixtures';
import { dropPrefix, freePort, REDIS_URL, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';

const TOKEN = 'cluster-scrape-token-0123456789';
const prefix = uniquePrefix('cmetrics');
let database: Database;
let api: ApiProcess | undefined;

beforeAll(async () => {
  database = await openTestDatabase('cluster_metrics');
});
afterAll(async () => {
  for (const pid of api ? pidsTagged(api.tag) : []) process.kill(pid, 'SIGKILL');
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

/** One GET on a connection of its own (no keep-alive: the cluster spreads connections, not requests). */
function getOnce(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('metrics of an API cluster', () => {
  it('any process answers for all: requests served by either are counted, and the primary\'s workers show', async () => {
    api = spawnApi({
      DATABASE_URL, DATABASE_SCHEMA: database.schema, DATABASE_POOL_SIZE: '3', API_PROCESSES: '2', PORT: String(await freePort()),
      QUEUE_PREFIX: prefix, METRICS_TOKEN: TOKEN, WORKERS: 'inline', RECONCILE_EVERY_MS: '0', LIVE_EVENTS: 'off',
    });
    const url = await api.url();
    await until(() => childPidsOf(api!.proc.pid!).length === 2, 30_000);
    await until(() => api!.lines.some((l) => l.includes('workers started')), 30_000);
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
});
