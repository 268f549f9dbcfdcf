/**
 * Jobs that can never succeed fail at once, without retries: a payload that breaks its contract,
 * a sub-problem that no longer exists. The round is then failed and its needs can be planned again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { createProducers } from '../../src/queue/producers';
import { startRound } from '../../src/services/round.service';
import { dropSchema, type Database } from '../../src/store/db';
import { getRound, roundDb } from '../../src/store/round.repository';
import { REDIS_URL, dropPrefix, spawnWorkers, uniquePrefix, until, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';

const prefix = uniquePrefix('wunrec');
const producers = createProducers({ redisUrl: REDIS_URL, prefix, jobPolicy: { attempts: 3, backoffMs: 100 } });
let database: Database;
let worker: WorkerProcess;

beforeAll(async () => {
  database = await openTestDatabase('worker_unrecoverable');
  await until(() => producers.ready(), 3000);
  worker = spawnWorkers({
    DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0',
    WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000',
  });
  await worker.waitForLog(/workers started/, 30_000);
});
afterAll(async () => {
  worker.proc.kill('SIGTERM');
  await worker.exited;
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('unrecoverable jobs', () => {
  it('a payload that breaks its contract fails once, not three times', async () => {
    // Straight onto the queue, past the typed producer that would refuse it.
    await producers.queue(QUEUE.urgent).add('need.urgent', { needId: 'a:b' }, { jobId: 'need-urgent-bad', attempts: 3 });
    await until(async () => (await producers.queue(QUEUE.urgent).getJob('need-urgent-bad'))?.failedReason !== undefined, 15_000, 100);
    const job = await producers.queue(QUEUE.urgent).getJob('need-urgent-bad');
    expect(job?.failedReason).toMatch(/bad need.urgent payload: needId/);
    expect(job?.attemptsMade).toBe(1);
  }, 30_000);

  it('a merge for a round this database does not know fails once', async () => {
    const ghost = 'ffffffff-ffff-4fff-8fff-ffffffffffff';
    await producers.addRoundFlow(ghost, []);
    const id = jobId('round.merge', ghost);
    await until(async () => (await producers.queue(QUEUE.rounds).getJob(id))?.failedReason !== undefined, 15_000, 100);
    const job = await producers.queue(QUEUE.rounds).getJob(id);
    expect(job?.failedReason).toMatch(/round .* does not exist/);
    expect(job?.attemptsMade).toBe(1);
  }, 30_000);

  it('a sub-problem gone from the database fails the round at once; its needs are free again', async () => {
    const d = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 2, vehicles: 2 }, 31);
    await producers.queue(QUEUE.solve).pause(); // hold the children while the test removes one
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 100 }, { areaId: d.districtId, kind: 'food', actor: 'd' });
    await roundDb(database.db).deleteFrom('round_subproblems').where('round_id', '=', round.id).where('id', '=', 'sp2').execute();
    await producers.queue(QUEUE.solve).resume();
    await until(async () => (await getRound(roundDb(database.db), round.id))?.status === 'failed', 30_000, 100);
    const failed = await getRound(roundDb(database.db), round.id);
    expect(failed?.failure_reason).toMatch(/sub-problem sp2 .* does not exist/);
    expect((await producers.queue(QUEUE.solve).getJob(jobId('round.solve', round.id, 'sp2')))?.attemptsMade).toBe(1);
    // The area can be planned again, with the same needs.
    const again = await startRound({ db: database.db, producers, defaultTimeLimitMs: 100 }, { areaId: d.districtId, kind: 'food', actor: 'd' });
    expect(again.created).toBe(true);
    await until(async () => (await getRound(roundDb(database.db), again.round.id))?.status === 'proposed', 30_000, 100);
  }, 60_000);
});
