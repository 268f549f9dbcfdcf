/**
 * PostgreSQL backup and restore of Cordon's schema (DATABASE_SCHEMA) with pg_dump's custom format,
 * which pg_restore reads back object by object. The backup is consistent without stopping anything:
 * pg_dump reads one snapshot while the service keeps writing.
 *
 * A restore goes into an empty schema, in one transaction (all or nothing). With `force`, a schema
 * that is not empty is first renamed aside (`<schema>_pre_restore_<time>`), kept for the operator to
 * drop once satisfied, and renamed back when the restore fails.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BackupError, asideStamp, writeAtomically } from './backup-file';
import { connectionOf, runTool } from './process-run';

export interface PgTarget {
  /** DATABASE_URL. */
  url: string;
  /** DATABASE_SCHEMA. */
  schema: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function serverMajor(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>('show server_version_num');
  return Math.floor(Number(rows[0]!.v) / 10_000);
}

/** Relations (tables, sequences, views) in `schema`: 0 when it is empty or missing. */
async function relationCount(client: pg.Client, schema: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1', [schema]);
  return Number(rows[0]!.n);
}

/** Writes `file`: a pg_dump custom-format archive of the schema, checked readable before it takes the name. */
export async function backupPostgres(target: PgTarget, file: string): Promise<{ bytes: number; tables: number }> {
  const { major, tables } = await withClient(target.url, async (c) => {
    const count = await c.query<{ n: string }>("select count(*) as n from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'", [target.schema]);
    return { major: await serverMajor(c), tables: Number(count.rows[0]!.n) };
  });
  if (tables === 0) throw new BackupError(`schema "${target.schema}" has no tables: check DATABASE_SCHEMA and DATABASE_URL (nothing to back up)`);
  const conn = connectionOf(target.url);
  const { bytes } = await writeAtomically(file, async (tmp) => {
    await runTool('pg_dump', ['--format=custom', `--schema=${ident(target.schema)}`, '--no-owner', '--no-privileges', `--file=${tmp}`, `--dbname=${conn.uri}`], conn.env, major);
    // An archive pg_restore cannot list is no backup.
    await runTool('pg_restore', ['--list', tmp], conn.env, major);
  });
  return { bytes, tables };
}

/** The one schema a Cordon archive holds, from its table of contents. */
function schemaOf(toc: string, file: string): string {
  const schemas = [...toc.matchAll(/^\d+; \d+ \d+ SCHEMA - (\S+) /gm)].map((m) => m[1]!);
  if (schemas.length !== 1) throw new BackupError(`${file} holds ${schemas.length} schemas, not one: it was not written by npm run backup`);
  return schemas[0]!;
}

export interface RestoreOutcome {
  /** Where the schema that was there went (with `force`), to drop once the restore is checked. */
  movedAside?: string;
}

/** Restores `file` (from backupPostgres) into the schema. Refuses a schema with anything in it unless `force`. */
export async function restorePostgres(target: PgTarget, file: string, options: { force: boolean; now?: Date }): Promise<RestoreOutcome> {
  const { schema } = target;
  const conn = connectionOf(target.url);
  return withClient(target.url, async (client) => {
    const major = await serverMajor(client);
    const toc = await runTool('pg_restore', ['--list', file], conn.env, major);
    const dumped = schemaOf(toc, file);
    if (dumped !== schema) {
      throw new BackupError(`${file} is a backup of schema "${dumped}", but DATABASE_SCHEMA is "${schema}": set DATABASE_SCHEMA=${dumped} to restore it`);
    }
    const existing = await relationCount(client, schema);
    if (existing > 0 && !options.force) {
      throw new BackupError(`schema "${schema}" is not empty (${existing} tables, sequences and indexes): restore refuses to overwrite it. ` +
        'Add --force to move it aside (kept as <schema>_pre_restore_<time>) and restore, or point DATABASE_URL/DATABASE_SCHEMA at an empty one');
    }
    let movedAside: string | undefined;
    if (existing > 0) {
      movedAside = `${schema.slice(0, 40)}_pre_restore_${asideStamp(options.now ?? new Date())}`;
      await client.query(`alter schema ${ident(schema)} rename to ${ident(movedAside)}`);
    }
    // The schema is made here, so the archive's own CREATE SCHEMA (and its comment and grants) is skipped:
    // `public` always exists, another schema may exist empty.
    await client.query(`create schema if not exists ${ident(schema)}`);
    const list = join(tmpdir(), `cordon-restore-list-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(list, toc.split('\n').filter((l) => !/^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA |ACL - SCHEMA )/.test(l)).join('\n'));
      await runTool('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--use-list=${list}`, `--dbname=${conn.uri}`, file], conn.env, major);
    } catch (err) {
      // The restore ran in one transaction: nothing of it is left. Put back what was there.
      if (movedAside) {
        await client.query(`drop schema if exists ${ident(schema)} cascade`);
        await client.query(`alter schema ${ident(movedAside)} rename to ${ident(schema)}`);
      }
      throw err;
    } finally {
      await rm(list, { force: true });
    }
    return movedAside ? { movedAside } : {};
  });
}
