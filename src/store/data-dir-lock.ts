/**
 * Who has the embedded PGlite data directory open. PGlite runs inside one process and takes no lock
 * of its own: a second process opening the same directory (a backup, a restore, a second
 * `npm start`) succeeds and the two then write over each other's files. So the opener leaves its pid
 * in `cordon.pid`; a live pid there other than ours means the directory is in use. A pid left behind
 * by a process that died is stale and ignored.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'cordon.pid';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`DATA_DIR ${dataDir} is open in process ${pid} (a running Cordon): stop it first (PGlite is one process; a second one would corrupt the database). ` +
      `If no Cordon runs, process ${pid} is another program that reused the pid: delete ${join(dataDir, LOCK_FILE)}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of another live process holding `dataDir`, or undefined. */
export function dataDirHolder(dataDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

/** Throws DataDirInUseError when another live process holds `dataDir`. */
export function assertDataDirFree(dataDir: string): void {
  const pid = dataDirHolder(dataDir);
  if (pid !== undefined) throw new DataDirInUseError(dataDir, pid);
}

/** Claims `dataDir` for this process (the directory must exist); `release()` gives it up. */
export function claimDataDir(dataDir: string): { release(): void } {
  assertDataDirFree(dataDir);
  const file = join(dataDir, LOCK_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return {
    release() {
      try {
        if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
      } catch {
        // already gone
      }
    },
  };
}
