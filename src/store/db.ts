/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, otherwise embedded PGlite
 * under a data directory (same schema, same migrations). A `schema` option puts every table in
 * its own Postgres schema (search_path), which is how each integration test file isolates itself.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type Dialect, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { timed } from '../shared/timings';
import { assertDataDirFree, claimDataDir } from './data-dir-lock';
import { introspectingOnly } from './schema-introspector';
import { priorityPool } from './priority-pool';
import { usePreparedStatements } from './prepared-statements';
import { migrations } from './migrations/index';
import type { Tables } from './schema';

/** The query builder over every table (schema.ts): one type for every repository and transaction. */
export type Db = Kysely<Tables>;

export interface DatabaseOptions {
  /** PostgreSQL connection string; unset: PGlite. */
  url?: string | undefined;
  /** Postgres schema holding every table (search_path). Default public. */
  schema?: string;
  /** PGlite data directory (or `memory://`). Default ./data. */
  dataDir?: string;
  /** pg pool size. Default 20. */
  poolSize?: number;
}

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  schema: string;
  /** What a LISTEN needs (store/change-notify.ts): the URL, for a connection outside the pool, or PGlite's one connection. */
  listenTarget: { url: string } | { lite: PGlite };
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** The pg pool's connections checked out and queries waiting for one; undefined on PGlite (one connection, no pool). */
  poolStats(): { inUse: number; waiting: number } | undefined;
  close(): Promise<void>;
}

const INT8_OID = 20;
/** How long a pooled PostgreSQL connection may stay idle before the pool closes it. */
const IDLE_CONNECTION_MS = 60_000;
const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const schema = options.schema ?? 'public';
  if (!IDENT.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  let dialect: Dialect;
  let kind: Database['kind'];
  let listenTarget: Database['listenTarget'];
  let release = (): void => undefined;
  let poolStats: Database['poolStats'] = () => undefined;
  if (options.url) {
    kind = 'postgres';
    const max = options.poolSize ?? 20;
    const pool = new pg.Pool({
      connectionString: options.url,
      max,
      // An idle connection is kept a minute, not pg's 10 s: under the district day's bursts the pools
      // shrank between them and grew again, about 850 new PostgreSQL backends a day, each forked and
      // starting on a cold catalogue cache (a plan 2-3 times as slow as on a warm one; issue #21).
      idleTimeoutMillis: IDLE_CONNECTION_MS,
      // Nor do they hold a process whose work is done (a script, a failed start) for that minute.
      allowExitOnIdle: true,
      // Every connection sees only this schema: tests run side by side on one database.
      options: `-c search_path=${schema}`,
    });
    // A dropped connection must not crash the process. The pool's 'error' covers idle clients only;
    // a checked-out one (mid-transaction, between two statements) emits 'error' on itself, and an
    // unheard 'error' kills the process. The statements using it fail (a 503, see
    // shared/db-errors.ts), and on release the pool discards it: it is no longer queryable.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
      usePreparedStatements(client);
    });
    // The wait for a pooled connection is a phase of the request that waits (shared/timings.ts), so a
    // slow request's log line says when the pool, not the database, held it.
    // Waiters are served by priority: an emergency's before the rest (priority-pool.ts).
    const prioritised = priorityPool(pool, max);
    dialect = new PostgresDialect({ pool: { connect: () => timed('db.pool', () => prioritised.connect()), end: () => pool.end() } });
    poolStats = prioritised.stats;
    listenTarget = { url: options.url };
  } else {
    kind = 'pglite';
    const dataDir = options.dataDir ?? './data';
    const onDisk = !dataDir.startsWith('memory://');
    // A second process on the same directory (a backup, another start) would corrupt it: refuse.
    if (onDisk) {
      await mkdir(resolve(dataDir), { recursive: true });
      assertDataDirFree(resolve(dataDir));
    }
    const lite = await PGlite.create({
      dataDir: onDisk ? resolve(dataDir) : dataDir,
      // int8 as a string, as `pg` returns it, so repositories see the same types on both.
      parsers: { [INT8_OID]: (value: string) => value },
    });
    // Claimed once PGlite made the directory its own (initdb wants it empty).
    if (onDisk) release = claimDataDir(resolve(dataDir)).release;
    // PGlite is one connection: setting search_path once holds for every query.
    await lite.exec(`create schema if not exists ${schema}; set search_path to ${schema}`);
    dialect = new PGliteDialect(lite);
    listenTarget = { lite };
  }
  // The migrator's look for its table reads this schema only (schema-introspector.ts).
  const db = new Kysely<Tables>({ dialect: introspectingOnly(dialect, schema) });
  if (kind === 'postgres') await sql.raw(`create schema if not exists ${schema}`).execute(db);
  return {
    db,
    kind,
    schema,
    listenTarget,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    poolStats,
    close: async () => {
      await db.destroy();
      release();
    },
  };
}

/** Applies every pending migration; throws with the first failure. */
export async function migrateToLatest(database: Database): Promise<MigrationResultSet> {
  const result = await migratorOf(database).migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/**
 * Names of the migrations this code has that the database has not run (readiness: empty at head).
 * Read from the migrator's table, not through kysely's Migrator: that looks for its table by listing
 * every column of every table of the schema, a catalogue join of 8,600 buffers (0.3 s under load),
 * on every readiness probe and metrics scrape of every process: 101 s of the district day's database
 * time (issue #21).
 */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const table = `${database.schema}.${MIGRATION_TABLE}`;
  const found = await sql<{ name: string | null }>`select to_regclass(${table})::text as name`.execute(database.db);
  const run = found.rows[0]?.name ? (await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(database.db)).rows : [];
  const done = new Set(run.map((r) => r.name));
  return Object.keys(migrations).sort().filter((name) => !done.has(name));
}

/** The table kysely's Migrator records its runs in (its default name), in the database's schema. */
const MIGRATION_TABLE = 'kysely_migration';

function migratorOf(database: Database): Migrator {
  return new Migrator({ db: database.db, provider: { getMigrations: async () => migrations }, migrationTableSchema: database.schema, migrationTableName: MIGRATION_TABLE });
}

/** Drops a schema and everything in it (tests clean up after themselves). */
export async function dropSchema(database: Database): Promise<void> {
  if (database.schema === 'public') throw new Error('refusing to drop the public schema');
  await sql.raw(`drop schema if exists ${database.schema} cascade`).execute(database.db);
}
