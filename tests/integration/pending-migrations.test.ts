/**
 * Readiness asks on every probe and metrics scrape whether the database is at this code's latest
 * migration. It reads the migrator's table itself: kysely's Migrator found that table by listing
 * every column of every table of the schema (0.3 s of catalogue reading under the district day's
 * load, 101 s of its database time). What it answers must not change: every migration on an empty
 * schema, none at head, and exactly the one a database has not run.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropSchema, migrateToLatest, openDatabase, pendingMigrations, type Database } from '../../src/store/db';
import { migrations } from '../../src/store/migrations/index';
import { DATABASE_URL } from './round.fixtures';

let database: Database;

beforeAll(async () => {
  database = await openDatabase({ url: DATABASE_URL, schema: `t_pending_migrations_${process.pid}`, poolSize: 2 });
  await dropSchema(database);
  await sql.raw(`create schema ${database.schema}`).execute(database.db);
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

it('names every migration on an empty schema, none at head, and the one a database has not run', async () => {
  const all = Object.keys(migrations).sort();
  expect(all.length).toBeGreaterThan(40);
  expect(await pendingMigrations(database)).toEqual(all);

  await migrateToLatest(database);
  expect(await pendingMigrations(database)).toEqual([]);

  // A database one migration behind this code (restored from before it, or the migration's run lost).
  const last = all.at(-1)!;
  await sql`delete from kysely_migration where name = ${last}`.execute(database.db);
  expect(await pendingMigrations(database)).toEqual([last]);
});
