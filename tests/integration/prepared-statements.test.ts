/**
 * Statements kept prepared on each pooled connection (src/store/prepared-statements.ts): the
 * session look-up of every request and a trip's stops of every stop report are parsed once per
 * connection and, once PostgreSQL settles on their generic plan, no longer planned per call; every
 * other statement stays unnamed, planned with its values.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionToken } from '../../src/services/access/auth-secrets';
import { openDatabase, type Database } from '../../src/store/db';
import { tripStops } from '../../src/store/event-tracking.repository';
import { driverStopRows, needsOnClosedStops, roundOpenState } from '../../src/store/delivery.repository';
import { findLiveSessions, LIVE_SESSION_SQL, LIVE_SESSIONS_SQL } from '../../src/store/session.repository';
import { PG_URL, startWorld, type World } from './auth.fixture';

let w: World;
/** One connection, so every call below runs on the session pg_prepared_statements describes. */
let one: Database;

beforeAll(async () => {
  w = await startWorld('prepared');
  one = await openDatabase({ url: PG_URL, schema: w.database.schema, poolSize: 1 });
});

afterAll(async () => {
  await one?.close();
  await w?.close();
});

const preparedHere = async () =>
  (await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
    select statement, generic_plans::text, custom_plans::text from pg_prepared_statements order by prepare_time`.execute(one.db)).rows;

describe('prepared statements', () => {
  it('keeps the session look-up and the trip stops read prepared, answering as before; other statements stay unnamed', async () => {
    const token = await w.login('driver');
    const roundId = randomUUID();
    for (let i = 0; i < 8; i++) {
      const found = await findLiveSessions(one.db, [hashSessionToken(token), 'not-a-token'], new Date(), new Date(0));
      expect([...found.values()].map((s) => s.role)).toEqual(['driver']);
      expect(await tripStops(one.db, roundId, 'sp1-1')).toEqual([]);
      await sql`select ${i}::int as i`.execute(one.db);
    }
    const statements = await preparedHere();
    expect(statements).toHaveLength(2);
    const session = statements.find((s) => s.statement === LIVE_SESSIONS_SQL);
    expect(session).toBeDefined();
    // Planned with the values of its first calls, then generic: planned no more.
    expect(Number(session!.generic_plans)).toBeGreaterThan(0);
    const stops = statements.find((s) => s.statement !== LIVE_SESSIONS_SQL)!;
    expect(stops.statement).toContain('from round_stops s');
    expect(Number(stops.generic_plans)).toBeGreaterThan(0);
  });

  it('takes the session look-up\'s generic plans from their sixth call on, for one hash as for a batch', async () => {
    const single = await openDatabase({ url: PG_URL, schema: w.database.schema, poolSize: 1 });
    try {
      const tokens = [await w.login('coordinator'), await w.login('dispatcher'), await w.login('driver')].map(hashSessionToken);
      // A district's sessions, so the planner sizes the table as it would there (on a few rows every plan costs alike).
      await sql`insert into sessions (user_id, token_hash, created_at, expires_at, last_used_at)
        select (select user_id from sessions limit 1), 'other-' || g, now(), now() + interval '1 day', now() from generate_series(1, 6000) g`.execute(single.db);
      await sql`analyze sessions`.execute(single.db);
      // Most requests come alone (one hash): with one `any($1)` for all, PostgreSQL planned every
      // one of those with its value, as the plan for one hash costs less than the generic plan for ten.
      for (let i = 0; i < 16; i++) {
        const hashes = i % 2 === 1 ? tokens : [tokens[i % 3]!];
        expect((await findLiveSessions(single.db, hashes, new Date(), new Date(0))).size).toBe(hashes.length);
      }
      const plans = (await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
        select statement, generic_plans::text, custom_plans::text from pg_prepared_statements`.execute(single.db)).rows;
      const of = (text: string) => plans.filter((p) => p.statement === text).map(({ generic_plans, custom_plans }) => ({ generic_plans, custom_plans }));
      expect(of(LIVE_SESSION_SQL)).toEqual([{ custom_plans: '5', generic_plans: '3' }]);
      expect(of(LIVE_SESSIONS_SQL)).toEqual([{ custom_plans: '5', generic_plans: '3' }]);
    } finally {
      await single.close();
    }
  });

  it('keeps the driver\'s batch read and a stop\'s settle reads prepared, on their generic plans after five calls', async () => {
    const single = await openDatabase({ url: PG_URL, schema: w.database.schema, poolSize: 1 });
    try {
      for (let i = 0; i < 8; i++) {
        expect(await driverStopRows(single.db, randomUUID())).toEqual([]);
        expect(await roundOpenState(single.db, randomUUID())).toBeUndefined();
        expect(await needsOnClosedStops(single.db, randomUUID(), String(i + 1))).toEqual([]);
      }
      const plans = (await sql<{ generic_plans: string; custom_plans: string }>`
        select generic_plans::text, custom_plans::text from pg_prepared_statements`.execute(single.db)).rows;
      expect(plans).toEqual(Array.from({ length: 3 }, () => ({ custom_plans: '5', generic_plans: '3' })));
    } finally {
      await single.close();
    }
  });
});
