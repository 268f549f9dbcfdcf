/**
 * The restore drill (issue #16, item 5): a district with needs submitted and a round dispatched is
 * backed up with `npm run backup`'s command, restored with `npm run restore`'s into a fresh
 * database (PostgreSQL) or directory (PGlite), and every table comes back with the same rows: same
 * count, same checksum. Restore refuses a database that is not empty unless --force, which keeps what
 * was there aside; a backup that fails leaves the file it was to replace as it was.
 */
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackupCli } from '../../src/ops/backup.cli';
import { runTool } from '../../src/store/backup/process-run';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';
import { fingerprint, liveDistrict, type TablePrint } from './backup.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordon-backup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The drill is only worth something if the tables it compares are not empty. */
function expectLive(print: Record<string, TablePrint>): void {
  for (const table of ['needs', 'stock_ledger', 'audit_log', 'round_stops', 'round_bags', 'households']) {
    expect(print[table]?.rows, table).toBeGreaterThan(0);
  }
  expect(Object.keys(print).length).toBeGreaterThan(30);
}

describe('backup and restore on PostgreSQL', () => {
  let source: Database;
  let before: Record<string, TablePrint>;
  const restoredDb = `cordon_restore_${process.pid}`;
  const restoredUrl = (() => {
    const u = new URL(DATABASE_URL);
    u.pathname = `/${restoredDb}`;
    return u.toString();
  })();

  beforeAll(async () => {
    source = await openTestDatabase('backup_drill');
    await liveDistrict(source.db);
    before = await fingerprint(source.db);
    await sql.raw(`drop database if exists ${restoredDb} with (force)`).execute(source.db);
    await sql.raw(`create database ${restoredDb}`).execute(source.db);
  }, 180_000);
  afterAll(async () => {
    await sql.raw(`drop database if exists ${restoredDb} with (force)`).execute(source.db);
    await dropSchema(source);
    await source.close();
  });

  const env = (url: string) => ({ DATABASE_URL: url, DATABASE_SCHEMA: source.schema });

  async function printOf(url: string, schema = source.schema): Promise<Record<string, TablePrint>> {
    const restored = await openDatabase({ url, schema, poolSize: 2 });
    try {
      return await fingerprint(restored.db);
    } finally {
      await restored.close();
    }
  }

  it('restores every table into a fresh database with the same rows, and refuses to overwrite it without --force', async () => {
    expectLive(before);
    const file = join(dir, 'pg.dump');
    const backup = await runBackupCli('backup', [file], env(DATABASE_URL));
    expect(backup, backup.line).toMatchObject({ code: 0 });
    expect((await readFile(file)).subarray(0, 5).toString()).toBe('PGDMP');

    const restore = await runBackupCli('restore', ['--', file], env(restoredUrl));
    expect(restore, restore.line).toMatchObject({ code: 0 });
    expect(await printOf(restoredUrl)).toEqual(before);

    // Now it is not empty: refused, nothing touched.
    const refused = await runBackupCli('restore', [file], env(restoredUrl));
    expect(refused.code).toBe(1);
    expect(refused.line).toMatch(new RegExp(`schema "${source.schema}" is not empty.*--force`));

    // --force: the current schema goes aside, the backup comes back whole.
    const forced = await runBackupCli('restore', [file, '--force'], env(restoredUrl));
    expect(forced, forced.line).toMatchObject({ code: 0 });
    const aside = /kept as (\S+):/.exec(forced.line)?.[1];
    expect(aside).toMatch(new RegExp(`^${source.schema.slice(0, 40)}_pre_restore_\\d{14}$`));
    expect(await printOf(restoredUrl)).toEqual(before);
    expect(await printOf(restoredUrl, aside)).toEqual(before);
  }, 120_000);

  it('refuses a backup of another schema, naming the setting', async () => {
    const file = join(dir, 'pg.dump');
    const other = await runBackupCli('restore', [file], { DATABASE_URL: restoredUrl, DATABASE_SCHEMA: 'elsewhere' });
    expect(other.code).toBe(1);
    expect(other.line).toContain(`set DATABASE_SCHEMA=${source.schema}`);
  }, 60_000);

  it('an unreachable database or a missing pg_dump is one line naming the fix', async () => {
    const down = await runBackupCli('backup', [join(dir, 'never.dump')], { DATABASE_URL: 'postgres://root@127.0.0.1:1/test' });
    expect(down.code).toBe(1);
    expect(down.line).toMatch(/DATABASE_URL: no PostgreSQL answers at 127\.0\.0\.1:1.*start it/);
    expect(existsSync(join(dir, 'never.dump'))).toBe(false);
    await expect(runTool('pg_dump_not_installed', ['--version'], process.env, 15)).rejects.toThrow(/not found on PATH: install .*postgresql-client-15/);
  });

  it('a backup that fails part way leaves the previous file as it was, and no partial file', async () => {
    const file = join(dir, 'kept.dump');
    await writeFile(file, 'the previous backup');
    // A pg_dump that writes half an archive and dies.
    const bin = join(dir, 'bin');
    await rm(bin, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(bin);
    const fake = join(bin, 'pg_dump');
    await writeFile(fake, '#!/bin/sh\nfor a in "$@"; do case "$a" in --file=*) printf PGDMP-half > "${a#--file=}";; esac; done\necho "pg_dump: error: connection lost" >&2\nexit 1\n');
    await chmod(fake, 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const failed = await runBackupCli('backup', [file], env(DATABASE_URL));
      expect(failed.code).toBe(1);
      expect(failed.line).toContain('pg_dump failed (exit 1): pg_dump: error: connection lost');
    } finally {
      process.env.PATH = path;
    }
    expect(await readFile(file, 'utf8')).toBe('the previous backup');
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  });
});

describe('backup and restore on PGlite', () => {
  it('restores the data directory with the same rows, refuses while in use or not empty, and --force keeps the old one aside', async () => {
    const dataDir = join(dir, 'lite');
    const file = join(dir, 'lite.tar.gz');
    const opened = await openDatabase({ dataDir });
    await migrateToLatest(opened);
    await liveDistrict(opened.db);
    const before = await fingerprint(opened.db);
    await opened.close();
    expectLive(before);
    const printOf = async (d: string) => {
      const db = await openDatabase({ dataDir: d });
      try {
        return await fingerprint(db.db);
      } finally {
        await db.close();
      }
    };

    // A live process holding DATA_DIR (here: this test's parent) makes both refuse.
    await writeFile(join(dataDir, 'cordon.pid'), `${process.ppid}\n`);
    const busy = await runBackupCli('backup', [file], { DATA_DIR: dataDir });
    expect(busy.code).toBe(1);
    expect(busy.line).toContain(`is open in process ${process.ppid}`);
    expect(existsSync(file)).toBe(false);
    await rm(join(dataDir, 'cordon.pid'));

    const backup = await runBackupCli('backup', [file], { DATA_DIR: dataDir });
    expect(backup, backup.line).toMatchObject({ code: 0 });

    const fresh = join(dir, 'lite-restored');
    const restore = await runBackupCli('restore', [file], { DATA_DIR: fresh });
    expect(restore, restore.line).toMatchObject({ code: 0 });
    expect(await printOf(fresh)).toEqual(before);

    const refused = await runBackupCli('restore', [file], { DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.line).toMatch(/is not empty: restore refuses to overwrite it\. Add --force/);

    const forced = await runBackupCli('restore', [file, '--force'], { DATA_DIR: dataDir });
    expect(forced, forced.line).toMatchObject({ code: 0 });
    const aside = /kept as (\S+):/.exec(forced.line)?.[1];
    expect(aside).toMatch(/lite\.pre-restore-\d{14}$/);
    expect(await printOf(dataDir)).toEqual(before);
    expect(await printOf(aside!)).toEqual(before);

    // A PGlite backup is refused with PostgreSQL configured, and the other way round.
    const mismatch = await runBackupCli('restore', [file], { DATABASE_URL });
    expect(mismatch.line).toContain('unset DATABASE_URL to restore it into DATA_DIR');
  }, 240_000);
});
