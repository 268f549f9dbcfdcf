/**
 * Advisory locks are per schema (store/advisory-lock.ts): a deployment's round preparation does not
 * hold up another schema's (test files and benches share one database), while within a schema the
 * lock still serialises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { lockForTransaction } from '../../src/store/advisory-lock';
import { dropSchema, type Database } from '../../src/store/db';
import { openTestDatabase } from './round.fixtures';

let a: Database;
let b: Database;

beforeAll(async () => {
  a = await openTestDatabase('advisory_a');
  b = await openTestDatabase('advisory_b');
});

afterAll(async () => {
  for (const d of [a, b]) {
    await dropSchema(d);
    await d.close();
  }
});

/** Whether the lock `name` of `d`'s schema is free now (taken and released at once if so). */
async function free(d: Database, name: string): Promise<boolean> {
  const res = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(${name} || ':' || current_schema())) as ok`.execute(d.db);
  return res.rows[0]!.ok;
}

describe('advisory locks', () => {
  it("one schema's lock leaves the same lock of another schema free, not its own", async () => {
    await a.db.transaction().execute(async (trx) => {
      await lockForTransaction(trx, 'cordon.prepare-round');
      // The other schema takes it at once (had the key been database-wide, this would wait for ever).
      await b.db.transaction().execute((other) => lockForTransaction(other, 'cordon.prepare-round'));
      expect(await free(b, 'cordon.prepare-round')).toBe(true);
      expect(await free(a, 'cordon.prepare-round')).toBe(false);
    });
    expect(await free(a, 'cordon.prepare-round')).toBe(true);
  });
});
