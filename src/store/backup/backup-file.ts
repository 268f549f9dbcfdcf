/**
 * The backup file itself: written next to its final name and renamed into place only once complete
 * and checked, so a backup that fails (disk full, pg_dump killed, database gone mid-way) never
 * leaves a truncated file under the name an operator will restore from. Which kind of backup a file
 * is comes from its first bytes.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A failure the operator can fix, said in one line that names the fix. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export type BackupKind = 'postgres' | 'pglite';

/**
 * Runs `write(tmp)` to a temporary file in the target's directory, flushes it to disk and renames it
 * to `file`; on any failure the temporary file is removed and `file` is left as it was.
 */
export async function writeAtomically(file: string, write: (tmp: string) => Promise<void>): Promise<{ bytes: number }> {
  const target = resolve(file);
  const dir = dirname(target);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw new BackupError(`backup directory ${dir} does not exist: create it, or name a file in an existing directory`);
  const tmp = join(dir, `.${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await write(tmp);
    const handle = await open(tmp, 'r+');
    let bytes: number;
    try {
      await handle.sync();
      bytes = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    if (bytes === 0) throw new BackupError('the backup came out empty; nothing was written');
    await rename(tmp, target);
    // The rename itself survives a crash only once the directory entry is on disk.
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
    return { bytes };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** What a backup file holds, from its magic bytes: `PGDMP` (pg_dump custom format) or gzip (a PGlite data directory). */
export async function backupKindOf(file: string): Promise<BackupKind> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new BackupError(`cannot read backup file ${file} (${err.code ?? err.message}): check the path`);
  });
  const head = Buffer.alloc(5);
  try {
    await handle.read(head, 0, 5, 0);
  } finally {
    await handle.close();
  }
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  throw new BackupError(`${file} is not a Cordon backup (neither a pg_dump custom-format archive nor a PGlite data directory archive)`);
}

/** `YYYYMMDDHHMMSS` (UTC) in the name of what a forced restore keeps aside. */
export function asideStamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** One line for the wrong kind of backup for the configured database. */
export function kindMismatch(file: string, kind: BackupKind): BackupError {
  return kind === 'postgres'
    ? new BackupError(`${file} is a PostgreSQL backup (pg_dump) but DATABASE_URL is unset (embedded PGlite): set DATABASE_URL to the server to restore it into`)
    : new BackupError(`${file} is a PGlite data directory backup but DATABASE_URL is set (PostgreSQL): unset DATABASE_URL to restore it into DATA_DIR`);
}
