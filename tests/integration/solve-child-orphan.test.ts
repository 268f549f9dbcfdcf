/**
 * A worker process killed with SIGKILL mid-solve (`workers/main.ts` as a real process, PostgreSQL,
 * sandboxed solves). Broke before: its sandboxed solve child ran on for ever, the solve first, then
 * spinning on EPIPE writes to its dead parent (BullMQ's child `uncaughtException` handler re-enters
 * itself), growing, ignoring SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../src/contracts/jobs';
import { createProducers } from '../../src/queue/producers';
import { startRound } from '../../src/services/rounds/round.service';
import { dropSchema, type Database } from '../../src/store/db';
import { childPidsOf, isAlive } from './process.fixtures';
import { dropPrefix, REDIS_URL, spawnWorkers, uniquePrefix, until, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';

const prefix = uniquePrefix('orphan');
const producers = createProducers({ redisUrl: REDIS_URL, prefix });
let database: Database;
let worker: WorkerProcess | undefined;
const children: number[] = [];

beforeAll(async () => {
  database = await openTestDatabase('solve_orphan');
  await until(() => producers.ready(), 3000);
});
afterAll(async () => {
  // On the code before the fix the child survives its parent: do not leave it spinning.
  for (const pid of children) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  if (worker && worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill('SIGKILL');
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('sandboxed solve child of a killed worker', () => {
  it('a worker killed with kill -9 left its sandboxed solve child running for ever: now the child exits too', async () => {
    const d = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 6, householdsPerCorridor: 4, vehicles: 3 }, 21);
    worker = spawnWorkers({ DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0', WORKER_QUEUES: 'solve,rounds' });
    await worker.waitForLog(/workers started/);
    // A solve budget far longer than the wait below: only the watchdog can end the child in time.
    await startRound({ db: database.db, producers, defaultTimeLimitMs: 120_000 }, { areaId: d.districtId, kind: 'food', actor: 'd1' });
    const parent = worker.proc.pid!;
    // Progress 10 is reported just before the synchronous search: from then on the child's event loop
    // (where the IPC 'disconnect' would be heard) is blocked for the whole budget.
    const searching = async () => (await producers.queue(QUEUE.solve).getActive()).some((job) => Number(job.progress) >= 10);
    await until(async () => childPidsOf(parent, /bullmq/).length > 0 && (await searching()), 60_000, 100);
    children.push(...childPidsOf(parent, /bullmq/));

    worker.proc.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    await until(() => children.every((pid) => !isAlive(pid)), 20_000, 100);
    expect(children.filter(isAlive)).toEqual([]);
  }, 180_000);
});
