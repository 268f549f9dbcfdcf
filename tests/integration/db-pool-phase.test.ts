/**
 * The pool with every connection out (src/store/db.ts, priority-pool.ts): a request's wait for a
 * connection is one of its timed phases (`db.pool`), so a slow request's log line says when the pool
 * held it, not the database; and an emergency's query goes before the rest already waiting, then a
 * statement shared by many requests, then the normal ones, each class in arrival order.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withPriority } from '../../src/shared/priority';
import { withPhases, type Phases } from '../../src/shared/timings';
import { openDatabase, type Database } from '../../src/store/db';
import { holdAConnection, PG_URL } from './auth.fixture';

let database: Database;

beforeAll(async () => {
  // One connection: whoever holds it makes everyone else wait.
  database = await openDatabase({ url: PG_URL, schema: 'public', poolSize: 1 });
});

afterAll(async () => {
  await database.close();
});

const waitingFor = (n: number) => vi.waitFor(() => expect(database.poolStats()?.waiting).toBe(n), { timeout: 10_000, interval: 5 });

describe('the pool with every connection out', () => {
  it('adds the time a query waited for a connection to the request’s db.pool phase', async () => {
    const letGo = await holdAConnection(database);
    const phases: Phases = {};
    const query = withPhases(phases, () => sql`select 1 as one`.execute(database.db));
    await waitingFor(1);
    const waitingSince = performance.now();
    await vi.waitFor(() => expect(performance.now() - waitingSince).toBeGreaterThanOrEqual(20), { interval: 5 });
    const heldFor = performance.now() - waitingSince;
    await letGo();
    expect((await query).rows).toEqual([{ one: 1 }]);
    expect(phases['db.pool']).toBeGreaterThanOrEqual(heldFor);
    // Outside a request nothing is recorded, and the query runs as before.
    expect((await sql`select 2 as two`.execute(database.db)).rows).toEqual([{ two: 2 }]);
  });

  it('serves urgent queries first, then shared ones, then the normal ones that waited longer, each class in arrival order', async () => {
    const letGo = await holdAConnection(database);
    const order: string[] = [];
    const query = (name: string) => sql`select ${name}::text as name`.execute(database.db).then(() => void order.push(name));
    const all = [query('normal 1'), query('normal 2')];
    await waitingFor(2);
    all.push(withPriority('shared', () => query('shared 1')), withPriority('urgent', () => query('urgent 1')), query('normal 3'));
    all.push(withPriority('urgent', () => query('urgent 2')), withPriority('shared', () => query('shared 2')));
    await waitingFor(7);
    await letGo();
    await Promise.all(all);
    expect(order).toEqual(['urgent 1', 'urgent 2', 'shared 1', 'shared 2', 'normal 1', 'normal 2', 'normal 3']);
    expect(database.poolStats()).toEqual({ inUse: 0, waiting: 0 });
  });
});
