/**
 * Fault tests with real worker processes, real Redis and PostgreSQL: a worker killed mid-solve,
 * SIGTERM with an active job, Redis lost and back empty mid-round. Short lock and stall intervals.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../src/contracts/jobs';
import { createProducers, type Producers } from '../../src/queue/producers';
import { dropSchema, type Database } from '../../src/store/db';
import { getRound, listSubproblems } from '../../src/store/round.repository';
import { startRound } from '../../src/services/rounds/round.service';
import { REDIS_URL, dropPrefix, spawnWorkers, startPrivateRedis, uniquePrefix, until, type PrivateRedis, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';
import { expectPlannedExactlyOnce } from './round.checks';

const prefix = uniquePrefix('wfaults');
let database: Database;
const producers = createProducers({ redisUrl: REDIS_URL, prefix });
const spawned: WorkerProcess[] = [];
const redises: PrivateRedis[] = [];
const size = { communities: 2, corridorsPerCommunity: 6, householdsPerCorridor: 4, vehicles: 4 };

function start(extra: Record<string, string> = {}): WorkerProcess {
  const w = spawnWorkers({
    DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix,
    WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', RECONCILE_EVERY_MS: '0', ...extra,
  });
  spawned.push(w);
  return w;
}

const roundStatus = async (id: string) => (await getRound(database.db, id))?.status;

beforeAll(async () => {
  database = await openTestDatabase('worker_faults');
  await until(() => producers.ready(), 3000);
});
// A test that failed midway leaves its workers running: they would take the next test's jobs.
const killLeftovers = async () => {
  const alive = spawned.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
  for (const w of alive) w.proc.kill('SIGKILL');
  await Promise.all(alive.map((w) => w.exited));
};
afterEach(killLeftovers);
afterAll(async () => {
  await killLeftovers();
  for (const r of redises) await r.stop();
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('worker faults', () => {
  it('kill -9 of a worker during a solve: the round still completes, its plan stored exactly once', async () => {
    const d = await seedDistrict(database, size, 11);
    const a = start();
    await a.waitForLog(/workers started/);
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 4000 }, { areaId: d.districtId, kind: 'food', actor: 'd1' });
    await until(async () => (await producers.queue(QUEUE.solve).getActiveCount()) > 0, 20_000, 100);
    a.proc.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    const b = start();
    await b.waitForLog(/workers started/);
    await until(async () => (await roundStatus(round.id)) === 'proposed', 60_000, 200);
    await expectPlannedExactlyOnce(database, round.id, d.needIds);
    b.proc.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  }, 180_000);

  it('SIGTERM with active jobs: they finish, then the process exits 0', async () => {
    const d = await seedDistrict(database, size, 12);
    const w = start();
    await w.waitForLog(/workers started/);
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 3000 }, { areaId: d.districtId, kind: 'food', actor: 'd1' });
    // Two solves at once per process (WORKER_SOLVE_CONCURRENCY's default): wait until it has taken as many as it can.
    const subproblems = (await listSubproblems(database.db, round.id)).length;
    expect(subproblems).toBeGreaterThan(0);
    const active = Math.min(2, subproblems);
    await until(async () => (await producers.queue(QUEUE.solve).getActiveCount()) === active, 20_000, 50);
    const solvedBefore = (await listSubproblems(database.db, round.id)).filter((s) => s.solved_at).length;
    w.proc.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    const solvedAfter = (await listSubproblems(database.db, round.id)).filter((s) => s.solved_at).length;
    expect(solvedAfter).toBe(solvedBefore + active);
    expect(w.lines.some((l) => /shutting down/.test(l))).toBe(true);
    // The rest of the round is picked up by the next worker.
    const next = start();
    await next.waitForLog(/workers started/);
    await until(async () => (await roundStatus(round.id)) === 'proposed', 60_000, 200);
    await expectPlannedExactlyOnce(database, round.id, d.needIds);
    next.proc.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  }, 180_000);

  it('Redis lost mid-round and back empty: 503 meanwhile, then the reconciler and workers finish every need', async () => {
    const redis = await startPrivateRedis();
    redises.push(redis);
    const own: Producers = createProducers({ redisUrl: redis.url, prefix });
    try {
      await until(() => own.ready(), 3000);
      const d = await seedDistrict(database, { ...size, communities: 3 }, 13);
      const other = await seedDistrict(database, size, 14);
      const w = start({ REDIS_URL: redis.url, RECONCILE_EVERY_MS: '1000' });
      await w.waitForLog(/workers started/);
      const deps = { db: database.db, producers: own, defaultTimeLimitMs: 2500 };
      const { round } = await startRound(deps, { areaId: d.districtId, kind: 'food', actor: 'd1' });
      await until(async () => (await own.queue(QUEUE.solve).getActiveCount()) > 0, 20_000, 100);
      await redis.stop();
      // Once the producer has seen Redis go, a round is refused at once, on the producer's state:
      // not after the producer's bounded wait for an answer ('did not answer in ...').
      await until(() => !own.ready(), 10_000);
      await expect(startRound(deps, { areaId: other.districtId, kind: 'food', actor: 'd1' }))
        .rejects.toMatchObject({ code: 'unavailable', status: 503, message: expect.not.stringMatching(/did not answer/) });
      // The outage lasts until the workers' reconcile timer has failed on it at least once.
      const seen = w.lines.length;
      await until(() => w.lines.slice(seen).some((l) => /reconcile failed/.test(l)), 20_000);
      redises.push(await startPrivateRedis(redis.port)); // same address, empty
      await until(async () => (await roundStatus(round.id)) === 'proposed', 60_000, 200);
      await expectPlannedExactlyOnce(database, round.id, d.needIds);
      w.proc.kill('SIGTERM');
      expect((await w.exited).code).toBe(0);
    } finally {
      await own.close();
    }
  }, 180_000);
});
