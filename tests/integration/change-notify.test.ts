/**
 * The relays' wake-up: the outbox trigger's NOTIFY reaches a listener after commit, on PostgreSQL
 * (a connection of its own, which survives being terminated) and on PGlite (its `listen`).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelayLoop } from '../../src/services/needs/outbox-relay.service';
import { createLogger } from '../../src/shared/logger';
import { changeChannel, listenForChanges, type WakeReason } from '../../src/store/change-notify';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';
import { LOOKBACK } from '../../src/store/migrations/0039_need_status_notify_bounded';
import { moveNeeds } from '../../src/store/round.repository';
import { until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';

const logger = createLogger({ level: 'silent' });

async function emit(database: Database): Promise<string> {
  const needId = randomUUID();
  await database.db.insertInto('outbox').values({ topic: 'need.accepted', payload: JSON.stringify({ needId }) }).execute();
  return needId;
}

const publishAll = (database: Database) => sql`update outbox set published_at = now() where published_at is null`.execute(database.db);

describe('change listener on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('change_notify');
  });
  afterAll(async () => {
    await dropSchema(database);
    await database.close();
  });

  /** Backend pids of the listeners of this file's outbox channel. */
  const listenerPids = async () => {
    const listen = `listen "${changeChannel('outbox', database.schema)}"`;
    const res = await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = 'cordon-listen' and query = ${listen}`.execute(database.db);
    return res.rows.map((r) => r.pid);
  };

  it('a listener whose connection is terminated (pg_terminate_backend) reconnects and still wakes on the next commit', async () => {
    const wakes: WakeReason[] = [];
    const notifications = () => wakes.filter((w) => w === 'notification').length;
    const listener = listenForChanges(database, 'outbox', (why) => wakes.push(why), { logger, retryMs: 20 });
    try {
      await until(() => wakes.includes('listening'), 10_000);
      await emit(database);
      await until(() => notifications() === 1, 10_000);

      const [first] = await listenerPids();
      expect(first).toBeDefined();
      await sql`select pg_terminate_backend(${first})`.execute(database.db);
      // Reconnected: a new backend listens, and the listener said so (it may have missed changes meanwhile).
      await until(async () => wakes.filter((w) => w === 'listening').length === 2, 10_000);
      expect(await listenerPids()).not.toContain(first);
      expect(await listenerPids()).toHaveLength(1);

      await publishAll(database); // (an older pending event would rightly silence the next one's notification)
      await emit(database);
      await until(() => notifications() === 2, 10_000);
    } finally {
      await listener.close();
    }
    await until(async () => (await listenerPids()).length === 0, 10_000);
  });

  it('an outbox insert notifies only when no older event of its topic is pending (notifying commits queue on one lock)', async () => {
    await publishAll(database);
    const channel = changeChannel('outbox', database.schema);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const payloads: string[] = [];
      client.on('notification', (msg) => payloads.push(msg.payload ?? ''));
      await client.query(`listen "${channel}"`);
      await emit(database); // nothing pending: notifies
      await emit(database); // the first is still pending: its notification woke the relay already
      await database.db.insertInto('outbox').values({ topic: 'need.urgent', payload: JSON.stringify({ needId: randomUUID() }) }).execute(); // its topic had nothing pending
      // Delivered in commit order: once this marker is in, every notification of the inserts above is.
      await client.query('select pg_notify($1, $2)', [channel, 'marker']);
      await until(() => payloads.includes('marker'), 10_000);
      expect(payloads).toEqual(['', '', 'marker']);
    } finally {
      await client.end();
    }
  });
  it('a need status change notifies unless a change at most LOOKBACK history ids older is pending (the check stays short when taken changes pile up)', async () => {
    const { needIds } = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 1, householdsPerCorridor: 3, vehicles: 1 });
    const [a, b, c] = needIds as [string, string, string];
    await sql`delete from need_status_live`.execute(database.db);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const channel = changeChannel('need_status', database.schema);
      const payloads: string[] = [];
      client.on('notification', (msg) => payloads.push(msg.payload ?? ''));
      await client.query(`listen "${channel}"`);
      const plan = (id: string) => moveNeeds(database.db, [id], 'accepted', 'planned', 'test', null);
      await plan(a); // nothing pending: notifies
      await plan(b); // a's change is pending just below: no notification
      // Further changes are numbered past the look-back: a's and b's, still pending, are out of its reach.
      const last = Number((await sql<{ id: string }>`select max(id)::text as id from need_status_history`.execute(database.db)).rows[0]!.id);
      await sql.raw(`alter table need_status_history alter column id restart with ${last + LOOKBACK + 1}`).execute(database.db);
      await plan(c);
      await client.query('select pg_notify($1, $2)', [channel, 'marker']);
      await until(() => payloads.includes('marker'), 10_000);
      expect(payloads).toEqual(['', '', 'marker']);
    } finally {
      await client.end();
    }
  });
});

describe('change listener on PGlite', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('on PGlite, an outbox event reaches the queue without waiting for the relay\'s idle poll', async () => {
    const published: string[] = [];
    const producers = { addBulk: async (jobs: { data: unknown }[]) => void published.push(...jobs.map((j) => (j.data as { needId: string }).needId)) };
    const relay = startRelayLoop({ db: database.db, producers, logger }, { idlePollMs: 60_000, listen: database });
    try {
      // The relay's first batch finds nothing and waits its 60 s idle poll; only the NOTIFY can wake it in time.
      const needId = await emit(database);
      await until(() => published.includes(needId), 10_000);
    } finally {
      await relay.stop();
    }
  });
});
