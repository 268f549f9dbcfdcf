/**
 * `npm start` on PGlite runs the round solves in the API's own process (one database connection):
 * the search goes to a worker thread, so the API keeps answering while a round is planned.
 * Broke before: the synchronous solve ran on the event loop, and the API froze for up to 7.5 s per
 * sub-problem (each capped at a quarter of the job lock).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { createProducers, type Producers } from '../../src/queue/producers';
import { serveApi, type RunningApi } from '../../src/service-startup';
import { startRound } from '../../src/services/rounds/round.service';
import { createLogger } from '../../src/shared/logger';
import { migrateToLatest, openDatabase, type Database } from '../../src/store/db';
import { getRound, listSubproblems } from '../../src/store/round.repository';
import { startWorkerRuntime, type WorkerRuntime } from '../../workers/runtime';
import { expectPlannedExactlyOnce } from './round.checks';
import { seedDistrict, type District } from './round.fixtures';
import { REDIS_URL, dropPrefix, uniquePrefix, until } from './queue.fixtures';

const SOLVE_MS = 3000;
const prefix = uniquePrefix('pglite-thread');
const logger = createLogger({ level: 'silent' });
let dir: string;
let database: Database;
let district: District;
let api: RunningApi;
let workers: WorkerRuntime | undefined;
let producers: Producers;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordon-thread-'));
  database = await openDatabase({ dataDir: dir });
  expect(database.kind).toBe('pglite');
  await migrateToLatest(database);
  // One community of 160 households, each behind its own gate: 160 stops searched for SOLVE_MS (a
  // sub-problem gets 20 ms a stop up to its budget), enough to be felt if it blocked.
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 160, householdsPerCorridor: 1, vehicles: 4 }, 5);
  // A short job lock: had the loop been blocked through a solve, the job would have stalled.
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', REDIS_URL, REDIS_AUTOSTART: 'off', DATA_DIR: dir,
    QUEUE_PREFIX: prefix, LIVE_EVENTS: '0', RECONCILE_EVERY_MS: '0', WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000',
  });
  // What startService does on PGlite: the API and the workers share the one database.
  api = await serveApi(config, logger, database);
  workers = await startWorkerRuntime(config, logger, database);
  producers = createProducers({ redisUrl: REDIS_URL, prefix });
  await until(() => producers.ready(), 10_000);
}, 120_000);

afterAll(async () => {
  // The SIGTERM path: workers (and their solve thread) first, then the API and the database.
  await workers?.close();
  await producers?.close();
  await api?.stop();
  await dropPrefix(REDIS_URL, prefix);
  await rm(dir, { recursive: true, force: true });
}, 60_000);

/** [from, to] of each `during` span, in performance.now() ms. */
type Span = [number, number];
const inside = (t: number, spans: Span[]) => spans.some(([a, b]) => t >= a && t <= b);

describe('round solves on PGlite', () => {
  it('the API keeps answering while a round is solved; the round is planned exactly once', async () => {
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: SOLVE_MS }, { areaId: district.districtId, kind: 'food', actor: 'test', timeLimitMs: SOLVE_MS });
    const subs = await listSubproblems(database.db, round.id);
    expect(subs.length).toBeGreaterThan(0);
    let planning = true;
    const began = performance.now();
    // The searches: a solve job reports 10% once its data is loaded and 90% once its plan is back
    // (round-solve.service). Watched in Redis, which the database does not wait for.
    const searching: Span[] = [];
    const watcher = (async () => {
      const open = new Map<string, number>();
      const done = new Set<string>();
      while (planning && done.size < subs.length) {
        for (const sub of subs) {
          if (done.has(sub.id)) continue;
          const progress = Number((await producers.queue(QUEUE.solve).getJob(jobId('round.solve', round.id, sub.id)))?.progress ?? 0);
          const t = performance.now();
          if (progress >= 10 && progress < 90 && !open.has(sub.id)) open.set(sub.id, t);
          if (progress >= 90 && open.has(sub.id)) {
            searching.push([open.get(sub.id)!, t]);
            done.add(sub.id);
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // The event loop: a 20 ms tick; each gap between two ticks, stamped with its end.
    const gaps: [number, number][] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const t = performance.now();
      gaps.push([t, t - last]);
      last = t;
    }, 20);
    // The API: GET /health one after another (it pings the database), each [sent at, answered in ms].
    const health: [number, number][] = [];
    const prober = (async () => {
      while (planning) {
        const t = performance.now();
        const res = await fetch(`http://127.0.0.1:${api.port}/health`);
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        health.push([t, performance.now() - t]);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await until(async () => ['proposed', 'failed'].includes((await getRound(database.db, round.id))?.status ?? ''), 90_000, 100);
    } finally {
      planning = false;
      clearInterval(ticker);
      await Promise.all([prober, watcher]);
    }
    const searchMs = searching.reduce((sum, [a, b]) => sum + b - a, 0);
    const probes = health.filter(([t, ms]) => inside(t, searching) && inside(t + ms, searching)).map(([, ms]) => ms);
    const ticks = gaps.filter(([t]) => inside(t, searching)).map(([, gap]) => gap);
    const all = (xs: number[]) => `${xs.length}, slowest ${Math.round(Math.max(0, ...xs))} ms`;
    console.log(`round planned in ${Math.round(performance.now() - began)} ms, ${subs.length} sub-problem(s) searched for ${Math.round(searchMs)} ms;`
      + ` during the searches: /health ${all(probes)}, event-loop ticks ${all(ticks)};`
      + ` whole round (database work included): /health ${all(health.map(([, ms]) => ms))}, ticks ${all(gaps.map(([, g]) => g))}`);

    // Every search was seen (a loop blocked by a search would have missed its start)...
    expect(searching, 'every search seen (a loop blocked by a search would have missed it)').toHaveLength(subs.length);
    // ...and while each one ran, the API kept answering: requests (sent one after another) both sent
    // and answered inside it. A search on this loop holds it for the whole budget: at most the one
    // request in flight when it began could be. How fast they were answered is printed above, not
    // judged: that depends on how busy the machine is.
    for (const span of searching) {
      expect(health.filter(([t, ms]) => inside(t, [span]) && inside(t + ms, [span])).length, 'requests answered during a search').toBeGreaterThanOrEqual(2);
    }

    // A valid plan, stored once: every need on exactly one stop or listed unserved.
    expect((await getRound(database.db, round.id))?.failure_reason ?? null).toBeNull();
    await expectPlannedExactlyOnce(database, round.id, district.needIds);
    // Each solve ran once and kept its lock all along (a blocked loop would have let it stall).
    for (const sub of subs) {
      const job = await producers.queue(QUEUE.solve).getJob(jobId('round.solve', round.id, sub.id));
      expect(job?.attemptsMade, sub.id).toBe(1);
      expect(job?.stalledCounter ?? 0, sub.id).toBe(0);
    }
  }, 120_000);
});
