/**
 * Backup and restore of the embedded PGlite database (DATABASE_URL unset): the whole data directory
 * as a gzipped tarball, made by PGlite itself (`dumpDataDir`) and read back by it (`loadDataDir`).
 * PGlite is one process: the service must be stopped for either (refused while a live process holds
 * DATA_DIR, see data-dir-lock.ts). The tarball is built in memory, which suits the small deployments
 * PGlite serves.
 *
 * A restore is unpacked and opened in a staging directory next to DATA_DIR, then renamed into place;
 * with `force`, a DATA_DIR that is not empty is first renamed aside (`<DATA_DIR>.pre-restore-<time>`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { assertDataDirFree, claimDataDir } from '../data-dir-lock';
import { BackupError, asideStamp, writeAtomically } from './backup-file';
import type { RestoreOutcome } from './pg-backup';

/** Writes `file`: the data directory as PGlite dumps it (.tar.gz), checked readable before it takes the name. */
export async function backupPglite(dataDir: string, file: string): Promise<{ bytes: number }> {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    throw new BackupError(`DATA_DIR ${dir} holds no PGlite database: check DATA_DIR, or set DATABASE_URL to back up PostgreSQL`);
  }
  assertDataDirFree(dir);
  const lite = await PGlite.create({ dataDir: dir });
  const claim = claimDataDir(dir);
  let archive: Buffer;
  try {
    archive = Buffer.from(await (await lite.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await lite.close();
    claim.release();
  }
  // A corrupt archive is no backup: it must at least unpack.
  gunzipSync(archive);
  return writeAtomically(file, (tmp) => writeFile(tmp, archive));
}

/** Restores `file` (from backupPglite) as DATA_DIR. Refuses a DATA_DIR with anything in it unless `force`. */
export async function restorePglite(dataDir: string, file: string, options: { force: boolean; now?: Date }): Promise<RestoreOutcome> {
  const dir = resolve(dataDir);
  assertDataDirFree(dir);
  const entries = existsSync(dir) ? await readdir(dir) : [];
  if (entries.length > 0 && !options.force) {
    throw new BackupError(`DATA_DIR ${dir} is not empty: restore refuses to overwrite it. ` +
      'Add --force to move it aside (kept as <DATA_DIR>.pre-restore-<time>) and restore, or set DATA_DIR to an empty or new directory');
  }
  await mkdir(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.restoring-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const lite = await PGlite.create({ dataDir: staging, loadDataDir: new Blob([await readFile(file)]) });
    try {
      const { rows } = await lite.query<{ n: number }>(
        "select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')");
      if ((rows[0]?.n ?? 0) === 0) throw new BackupError(`${file} unpacks to a database without tables: it is not a Cordon backup`);
    } finally {
      await lite.close();
    }
    // The pid of the process that made the backup came along in the archive.
    await rm(join(staging, 'cordon.pid'), { force: true });
    let movedAside: string | undefined;
    if (entries.length > 0) {
      movedAside = `${dir}.pre-restore-${asideStamp(options.now ?? new Date())}`;
      await rename(dir, movedAside);
    } else if (existsSync(dir)) {
      await rmdir(dir);
    }
    await rename(staging, dir);
    return movedAside ? { movedAside } : {};
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file} could not be restored (${(err as Error).message}): is it a backup made by npm run backup with DATABASE_URL unset?`);
  }
}
