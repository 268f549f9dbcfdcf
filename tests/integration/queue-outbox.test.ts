/**
 * The outbox relay: events committed with each need reach the queue exactly once, stay in
 * PostgreSQL while Redis is away, and a malformed event never blocks the others.
 */
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { createProducers } from '../../src/queue/producers';
import { relayOnce, startRelayLoop } from '../../src/services/needs/outbox-relay.service';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, type Database } from '../../src/store/db';
import { unpublishedCount } from '../../src/store/outbox.repository';
import { REDIS_URL, dropPrefix, startPrivateRedis, uniquePrefix, until } from './queue.fixtures';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

const prefix = uniquePrefix('outbox');
const logger = createLogger({ level: 'silent' });
let database: Database;
let district: District;

async function emit(topic: string, payload: unknown): Promise<void> {
  await database.db.insertInto('outbox').values({ topic, payload: JSON.stringify(payload) }).execute();
}

beforeAll(async () => {
  database = await openTestDatabase('queue_outbox');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 5, vehicles: 1 });
});
afterAll(async () => {
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('outbox relay', () => {
  it('publishes each event once, keeps it while Redis is down, and skips malformed ones', async () => {
    const redis = await startPrivateRedis();
    const producers = createProducers({ redisUrl: redis.url, prefix });
    const deps = { db: database.db, producers, logger };
    try {
      await until(() => producers.ready(), 3000);
      const [a, b, c] = district.needIds as [string, string, string];
      await emit('need.accepted', { needId: a });
      await emit('need.accepted', { needId: a }); // the same event twice: one job
      await emit('need.urgent', { needId: b });
      await emit('need.accepted', { needId: 'x', drug: 'leak' }); // breaks the contract
      await emit('stock.changed', { itemId: 'rice' }); // another consumer's topic: left alone
      expect(await relayOnce(deps)).toBe(4);
      expect(await relayOnce(deps)).toBe(0);
      expect(await producers.queue(QUEUE.needs).count()).toBe(1);
      expect((await producers.queue(QUEUE.needs).getJob(jobId('need.accepted', a)))?.data).toEqual({ needId: a });
      expect(await producers.queue(QUEUE.urgent).getJob(jobId('need.urgent', b))).toBeTruthy();
      const foreign = await sql<{ n: string }>`select count(*) as n from outbox where topic = 'stock.changed' and published_at is null`.execute(database.db);
      expect(Number(foreign.rows[0]!.n)).toBe(1);

      await redis.stop();
      await emit('need.accepted', { needId: c });
      await expect(relayOnce(deps)).rejects.toMatchObject({ code: 'unavailable' });
      expect(await unpublishedCount(database.db, ['need.accepted'])).toBe(1);

      const back = await startPrivateRedis(redis.port);
      try {
        await until(() => producers.ready(), 5000);
        expect(await relayOnce(deps)).toBe(1);
        expect(await unpublishedCount(database.db, ['need.accepted', 'need.urgent'])).toBe(0);
        expect(await producers.queue(QUEUE.needs).getJob(jobId('need.accepted', c))).toBeTruthy();
      } finally {
        await back.stop();
      }
    } finally {
      await producers.close();
      await redis.stop();
    }
  });

  it('a wake-up with nothing to publish costs one statement and no transaction', async () => {
    // Every intake commit wakes each worker's relay and one of them takes what there is: in the
    // district day's food round 9 of 10 relay batches found nothing, each a BEGIN, a locking read
    // and a COMMIT (issue #21).
    expect(await unpublishedCount(database.db, ['need.accepted', 'need.urgent'])).toBe(0);
    let statements = 0;
    const db = database.db.withPlugin({ transformQuery: (args) => (statements++, args.node), transformResult: async (args) => args.result });
    const added: unknown[] = [];
    const transactions = vi.spyOn(Kysely.prototype, 'transaction');
    try {
      expect(await relayOnce({ db, producers: { addBulk: async (jobs) => void added.push(...jobs) }, logger })).toBe(0);
      expect(statements).toBe(1);
      expect(transactions).not.toHaveBeenCalled();
      // With an event waiting, it is claimed and marked in a transaction as before.
      await emit('need.urgent', { needId: district.needIds[4]! });
      expect(await relayOnce({ db, producers: { addBulk: async (jobs) => void added.push(...jobs) }, logger })).toBe(1);
      expect(transactions).toHaveBeenCalledTimes(1);
      expect(added).toHaveLength(1);
      expect(await unpublishedCount(database.db, ['need.accepted', 'need.urgent'])).toBe(0);
    } finally {
      transactions.mockRestore();
    }
  });

  it("an accepted need's queue job does not wait for the outbox relay's idle poll (it wakes on the outbox trigger's NOTIFY)", async () => {
    const producers = createProducers({ redisUrl: REDIS_URL, prefix });
    // The idle poll is a minute: only the notification at commit can bring the job in time.
    const relay = startRelayLoop({ db: database.db, producers, logger }, { idlePollMs: 60_000, listen: database });
    try {
      const needId = district.needIds[3]!;
      await emit('need.accepted', { needId });
      await until(async () => Boolean(await producers.queue(QUEUE.needs).getJob(jobId('need.accepted', needId))), 10_000);
    } finally {
      await relay.stop();
      await producers.close();
    }
  });
});
