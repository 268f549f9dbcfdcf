/**
 * Migrating one schema while other schemas are created and dropped beside it (test files and
 * benches share one database). Kysely's migrator finds its table by listing every table of every
 * schema, and the listing names each schema: one dropped in between failed the migration with
 * `schema "..." does not exist` (3F000), seen when a bench started while the test suite ran.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropSchema, openDatabase, pendingMigrations, type Database } from '../../src/store/db';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';

let database: Database;
let churn: Database;

beforeAll(async () => {
  database = await openTestDatabase('migrate_beside_drops');
  churn = await openDatabase({ url: DATABASE_URL, schema: 'public', poolSize: 4 });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
  await churn.close();
});

it('reading the migrations is not failed by other schemas dropped meanwhile', async () => {
  let stop = false;
  let dropped = 0;
  // Four connections create and drop schemas holding a few tables, as fast as they can.
  const dropping = Array.from({ length: 4 }, async (_, k) => {
    for (let i = 0; !stop; i++) {
      const name = `churn_${process.pid}_${k}_${i}`;
      await sql.raw(`create schema ${name}; ${Array.from({ length: 20 }, (_, t) => `create table ${name}.t${t} (id serial primary key, a int, b text)`).join(';')}`).execute(churn.db);
      await sql.raw(`drop schema ${name} cascade`).execute(churn.db);
      dropped++;
    }
  });
  try {
    for (let i = 0; i < 60; i++) expect(await pendingMigrations(database)).toEqual([]);
  } finally {
    stop = true;
    await Promise.all(dropping);
  }
  expect(dropped).toBeGreaterThan(0);
});
