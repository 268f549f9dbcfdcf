import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { createProducers } from '../../src/queue/producers';
import { getRound } from '../../src/store/round.repository';
import { planCounts, readPlan } from '../../src/store/round-plan.repository';
import { startRound } from '../../src/services/rounds/round.service';
import { REDIS_URL, dropPrefix, spawnWorkers, uniquePrefix, until, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from './round.fixtures';

const prefix = uniquePrefix('wround');
let database: Database;
let district: District;
const producers = createProducers({ redisUrl: REDIS_URL, prefix });
const workers: WorkerProcess[] = [];

function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix,
    WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', RECONCILE_EVERY_MS: '0', ...extra,
  };
}

beforeAll(async () => {
  database = await openTestDatabase('worker_round');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 5, householdsPerCorridor: 4, vehicles: 4 });
  await until(() => producers.ready(), 3000);
});
afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('a round on the real queue', () => {
  it('runs as a flow through a worker process and stores its proposal', async () => {
    const stream = `${prefix}-live`;
    const w = spawnWorkers(workerEnv({ LIVE_EVENTS: '1', LIVE_STREAM_NAME: stream }));
    workers.push(w);
    await w.waitForLog(/workers started/);
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 300 }, { areaId: district.districtId, kind: 'food', actor: 'd1' });
    await until(async () => (await getRound(database.db, round.id))?.status === 'proposed', 30_000, 200);
    const plan = await readPlan(database.db, round.id);
    const served = new Set(plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId))));
    expect(served.size + plan.unserved.length).toBe(district.needIds.length);
    const counts = await planCounts(database.db, round.id);
    expect(counts.trips).toBe(plan.trips.length);
    // The dispatch desk hears of it through the Socket.IO stream (the worker has no Socket.IO server).
    const redis = new Redis(REDIS_URL);
    try {
      await until(async () => (await redis.xrange(stream, '-', '+')).some(([, f]) => f.join(' ').includes('round.proposed')), 5000);
      const entries = await redis.xrange(stream, '-', '+');
      const proposed = entries.map(([, f]) => f[f.indexOf('data') + 1]!).find((d) => d.includes('round.proposed'))!;
      expect(proposed).toContain(round.id);
      expect(proposed).toContain('"dispatch"');
      expect(proposed).toContain(`"bagCount":${counts.bags}`);
    } finally {
      await redis.del(stream);
      redis.disconnect();
    }
    w.proc.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
