/**
 * Idempotency keys expire after IDEMPOTENCY_TTL_HOURS: before that a retry replays the first
 * response, after it the key is gone (and may serve a new request). Keys are stamped, and their
 * age measured, by the injected clock: time moves without waiting.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIdempotent, type Idempotency } from '../../src/services/shared/idempotency';
import { purgeEndedSessions, purgeIdempotencyKeys, startRetentionCleanup } from '../../src/services/maintenance/retention.service';
import { ManualClock, type Clock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';
import { insertSession, revokeSession } from '../../src/store/session.repository';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const HOUR = 3_600_000;
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ url: PG_URL, schema: `t_idem_ttl_${process.pid}_${Date.now().toString(36)}`, poolSize: 3 });
  await migrateToLatest(database);
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

const write = (clock: ManualClock, actor: string, idem: Idempotency, body: string) =>
  runIdempotent(database.db, actor, idem, async () => ({ status: 201, body: { body } }), clock.now());
const keys = async (actor: string) => Number((await sql<{ n: string }>`select count(*) as n from idempotency_keys where actor = ${actor}`.execute(database.db)).rows[0]!.n);

describe('idempotency key retention', () => {
  it('keeps a key for its TTL (a retry replays), then deletes it (the key serves a new request)', async () => {
    const clock = new ManualClock('2026-03-01T08:00:00Z');
    const deps = { db: database.db, clock, ttlHours: 48 };
    await write(clock, 'a1', { key: 'retry-key-1', requestHash: 'h1' }, 'first');

    clock.advance(47 * HOUR);
    expect(await purgeIdempotencyKeys(deps)).toBe(0);
    const replay = await write(clock, 'a1', { key: 'retry-key-1', requestHash: 'h1' }, 'second');
    expect(replay).toEqual({ status: 201, body: { body: 'first' }, replayed: true });
    await expect(write(clock, 'a1', { key: 'retry-key-1', requestHash: 'other' }, 'x')).rejects.toBeInstanceOf(AppError);

    clock.advance(2 * HOUR);
    expect(await purgeIdempotencyKeys(deps)).toBe(1);
    expect(await keys('a1')).toBe(0);
    const fresh = await write(clock, 'a1', { key: 'retry-key-1', requestHash: 'other' }, 'new');
    expect(fresh).toEqual({ status: 201, body: { body: 'new' } });
  });

  it('deletes in batches, oldest first, and only what is past its retention', async () => {
    const clock = new ManualClock('2026-03-01T08:00:00Z');
    const old = new Date(clock.now().getTime() - 100 * HOUR);
    await sql`insert into idempotency_keys (actor, key, request_hash, status_code, response, created_at)
      select 'batch', 'k' || g, 'h', 201, '{}'::jsonb, ${old}::timestamptz - g * interval '1 second' from generate_series(1, 2500) g`.execute(database.db);
    await write(clock, 'batch', { key: 'recent-key', requestHash: 'h' }, 'kept');
    expect(await purgeIdempotencyKeys({ db: database.db, clock, ttlHours: 48, batchSize: 1000 })).toBe(2500);
    expect(await keys('batch')).toBe(1);
  });

  it('the cleanup loop purges at start and on every interval, until stopped', async () => {
    const clock = new ManualClock('2026-03-01T08:00:00Z');
    // The loop's view of the clock, counted: each pass reads it twice (keys, sessions) as it starts,
    // and a pass starts only once the one before has finished.
    let reads = 0;
    const loopClock: Clock = { now: () => (reads++, clock.now()) };
    const passesStarted = () => reads / 2;
    await write(clock, 'loop', { key: 'loop-key-1', requestHash: 'h' }, 'one');
    clock.advance(49 * HOUR);
    const stop = startRetentionCleanup({ db: database.db, clock: loopClock, ttlHours: 48, logger: createLogger({ level: 'silent' }), intervalMs: 50 });
    try {
      await expect.poll(() => keys('loop'), { timeout: 10_000 }).toBe(0);
      // Keys written later are within their window at first: a whole pass after the write (two more
      // started) leaves it, and it goes once the clock passes its window.
      await write(clock, 'loop', { key: 'loop-key-2', requestHash: 'h' }, 'two');
      const after = passesStarted();
      await expect.poll(passesStarted, { timeout: 10_000 }).toBeGreaterThanOrEqual(after + 2);
      expect(await keys('loop')).toBe(1);
      clock.advance(49 * HOUR);
      await expect.poll(() => keys('loop'), { timeout: 10_000 }).toBe(0);
    } finally {
      stop();
    }
    await write(clock, 'loop', { key: 'loop-key-3', requestHash: 'h' }, 'three');
    clock.advance(49 * HOUR);
    // Stopped: no pass starts any more. Nothing happening cannot be waited for, only given time:
    // a few intervals here (50 ms each), and checked on the passes started, not on a slow delete.
    const stoppedAt = passesStarted();
    await new Promise((r) => setTimeout(r, 200));
    expect(passesStarted()).toBe(stoppedAt);
    expect(await keys('loop')).toBe(1);
  });
});

describe('session retention', () => {
  it('deletes sessions a day after they expired or were revoked; live ones stay', async () => {
    const clock = new ManualClock('2026-03-10T08:00:00Z');
    const user = (await sql<{ id: string }>`insert into users (username, password_hash, role) values ('ret.user', 'x', 'dispatcher') returning id`.execute(database.db)).rows[0]!.id;
    const at = (h: number) => new Date(clock.now().getTime() + h * HOUR);
    const session = (name: string, created: number, expires: number) => insertSession(database.db, { userId: user, tokenHash: name, createdAt: at(created), expiresAt: at(expires) });
    await session('expired-long-ago', -60, -30);
    await session('expired-recently', -20, -2);
    await session('live', -1, 11);
    await revokeSession(database.db, await session('revoked-long-ago', -50, 100), at(-25));
    await revokeSession(database.db, await session('revoked-recently', -5, 100), at(-1));
    expect(await purgeEndedSessions({ db: database.db, clock, batchSize: 1 })).toBe(2);
    const left = await sql<{ token_hash: string }>`select token_hash from sessions where user_id = ${user} order by token_hash`.execute(database.db);
    expect(left.rows.map((r) => r.token_hash)).toEqual(['expired-recently', 'live', 'revoked-recently']);
  });
});
