/**
 * A request's wait for a pooled connection is one of its timed phases (`db.pool`, src/store/db.ts),
 * so a slow request's log line says when the pool held it, not the database.
 */
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { withPhases, type Phases } from '../../src/shared/timings';
import { openDatabase } from '../../src/store/db';
import { PG_URL } from './auth.fixture';

describe('pool wait as a phase', () => {
  it('adds the time a query waited for a connection to the request’s db.pool phase', async () => {
    const database = await openDatabase({ url: PG_URL, schema: 'public', poolSize: 1 });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const holder = database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        holding();
        await gate;
      });
      await held;
      const phases: Phases = {};
      const query = withPhases(phases, () => sql`select 1 as one`.execute(database.db));
      await vi.waitFor(() => expect(database.poolStats()?.waiting).toBe(1), { timeout: 10_000, interval: 5 });
      const waitingSince = performance.now();
      await vi.waitFor(() => expect(performance.now() - waitingSince).toBeGreaterThanOrEqual(20), { interval: 5 });
      const heldFor = performance.now() - waitingSince;
      release();
      await holder;
      expect((await query).rows).toEqual([{ one: 1 }]);
      expect(phases['db.pool']).toBeGreaterThanOrEqual(heldFor);
      // Outside a request nothing is recorded, and the query runs as before.
      expect((await sql`select 2 as two`.execute(database.db)).rows).toEqual([{ two: 2 }]);
    } finally {
      await database.close();
    }
  });
});
