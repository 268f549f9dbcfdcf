/**
 * Jobs that can never succeed fail at once, without retries: a payload that breaks its contract,
 * a sub-problem that no longer exists. The round is then failed and its needs can be planned again.
 *
 * Every wait is on a condition, with room for a loaded machine (it failed once under heavy parallel
 * load): a job is checked once it is failed for good (its state, not the failedReason a retried
 * attempt also leaves), the worker keeps the default job lock (no test here needs a stall, and a short lock lets a starved
 * event loop stall a healthy job), and the producer waits longer than its 2 s default for Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE, jobId, type QueueName } from '../../src/contracts/jobs';
import { createProducers } from '../../src/queue/producers';
import { startRound } from '../../src/services/rounds/round.service';
import { dropSchema, type Database } from '../../src/store/db';
import { getRound, listSubproblems } from '../../src/store/round.repository';
import { expectPlannedExactlyOnce } from './round.checks';
import { REDIS_URL, dropPrefix, spawnWorkers, uniquePrefix, until, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';

/** Longest wait for any one condition: generous, as only a failure ever waits that long. */
const WAIT_MS = 60_000;
const prefix = uniquePrefix('wunrec');
const producers = createProducers({ redisUrl: REDIS_URL, prefix, timeoutMs: 15_000, jobPolicy: { attempts: 3, backoffMs: 100 } });
let database: Database;
let worker: WorkerProcess | undefined;

/** Waits until the job is failed for good (not merely failed once and waiting for its retry). */
async function failedForGood(queue: QueueName, id: string) {
  await until(async () => (await producers.queue(queue).getJobState(id)) === 'failed', WAIT_MS, 100);
  return producers.queue(queue).getJob(id);
}

beforeAll(async () => {
  database = await openTestDatabase('worker_unrecoverable');
  await until(() => producers.ready(), 15_000);
  worker = spawnWorkers({ DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0' });
  await worker.waitForLog(/workers started/);
}, 120_000);
afterAll(async () => {
  if (worker) {
    worker.proc.kill('SIGTERM');
    await worker.exited;
  }
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
}, 120_000);

describe('unrecoverable jobs', () => {
  it('a payload that breaks its contract fails once, not three times', async () => {
    // Straight onto the queue, past the typed producer that would refuse it.
    await producers.queue(QUEUE.urgent).add('need.urgent', { needId: 'a:b' }, { jobId: 'need-urgent-bad', attempts: 3 });
    const job = await failedForGood(QUEUE.urgent, 'need-urgent-bad');
    expect(job?.failedReason).toMatch(/bad need.urgent payload: needId/);
    expect(job?.attemptsMade).toBe(1);
  }, WAIT_MS + 10_000);

  it('a merge for a round this database does not know fails once', async () => {
    const ghost = 'ffffffff-ffff-4fff-8fff-ffffffffffff';
    await producers.addRoundFlow(ghost, []);
    const job = await failedForGood(QUEUE.rounds, jobId('round.merge', ghost));
    expect(job?.failedReason).toMatch(/round .* does not exist/);
    expect(job?.attemptsMade).toBe(1);
  }, WAIT_MS + 10_000);

  it('a sub-problem gone from the database fails the round at once; its needs are free again', async () => {
    const d = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 2, vehicles: 2 }, 31);
    await producers.queue(QUEUE.solve).pause(); // hold the children while the test removes one
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 100 }, { areaId: d.districtId, kind: 'food', actor: 'd' });
    // Whichever sub-problems the decomposition made: the last one goes.
    const gone = (await listSubproblems(database.db, round.id)).at(-1)!.id;
    await database.db.deleteFrom('round_subproblems').where('round_id', '=', round.id).where('id', '=', gone).execute();
    await producers.queue(QUEUE.solve).resume();
    await until(async () => (await getRound(database.db, round.id))?.status === 'failed', WAIT_MS, 100);
    // Two 'failed' events race to fail the round: the child's, and its merge parent's (failed with it,
    // failParentOnFailure). Whichever comes first, the dispatcher reads the child's cause, never
    // BullMQ's "child bull:...:round.solve:... failed".
    const solveId = jobId('round.solve', round.id, gone);
    const reason = (await getRound(database.db, round.id))?.failure_reason ?? '';
    expect(reason).toBe(`round.solve failed: sub-problem ${gone} of round ${round.id} does not exist`);
    // The cause, on the child itself: failed for good at its first attempt.
    const job = await failedForGood(QUEUE.solve, solveId);
    expect(job?.failedReason).toContain(`sub-problem ${gone} of round ${round.id} does not exist`);
    expect(job?.attemptsMade).toBe(1);
    // The area can be planned again, with the same needs, each exactly once.
    const again = await startRound({ db: database.db, producers, defaultTimeLimitMs: 100 }, { areaId: d.districtId, kind: 'food', actor: 'd' });
    expect(again.created).toBe(true);
    await until(async () => ['proposed', 'failed'].includes((await getRound(database.db, again.round.id))?.status ?? ''), WAIT_MS, 100);
    await expectPlannedExactlyOnce(database, again.round.id, d.needIds);
  }, 3 * WAIT_MS);
});
