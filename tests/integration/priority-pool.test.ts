/**
 * The pool serves its waiters by priority (src/store/priority-pool.ts): when every connection is out,
 * an emergency's query goes before the normal ones already waiting; each class in arrival order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/store/db';
import { withPriority } from '../../src/shared/priority';
import { until } from './queue.fixtures';
import { DATABASE_URL } from './round.fixtures';

let database: Database;

beforeAll(async () => {
  // One connection: whoever holds it makes everyone else wait.
  database = await openDatabase({ url: DATABASE_URL, poolSize: 1 });
});

afterAll(async () => {
  await database.close();
});

/** Holds the pool's one connection (a transaction) until the returned function is called. */
async function holdTheConnection(): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const inside = new Promise<void>((r) => (started = r));
  const done = database.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    started();
    await held;
  });
  await inside;
  return async () => {
    release();
    await done;
  };
}

describe('a pool with every connection out', () => {
  it('serves an urgent query before the normal ones that waited longer, each class in arrival order', async () => {
    const letGo = await holdTheConnection();
    const order: string[] = [];
    const query = (name: string) => sql`select ${name}::text as name`.execute(database.db).then(() => void order.push(name));
    const all = [query('normal 1'), query('normal 2')];
    await until(() => database.poolStats()?.waiting === 2, 5000);
    all.push(withPriority('urgent', () => query('urgent 1')), query('normal 3'), withPriority('urgent', () => query('urgent 2')));
    await until(() => database.poolStats()?.waiting === 5, 5000);
    await letGo();
    await Promise.all(all);
    expect(order).toEqual(['urgent 1', 'urgent 2', 'normal 1', 'normal 2', 'normal 3']);
    expect(database.poolStats()).toEqual({ inUse: 0, waiting: 0 });
  });
});
