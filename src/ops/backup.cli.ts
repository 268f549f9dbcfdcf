/**
 * `npm run backup -- FILE` and `npm run restore -- FILE [--force]`, for the configured database:
 * PostgreSQL (DATABASE_URL, schema DATABASE_SCHEMA) through pg_dump / pg_restore, or the embedded
 * PGlite directory (DATA_DIR) when DATABASE_URL is unset. One line on stdout when done; a failure an
 * operator can fix is one line on stderr naming the fix, exit code 1; bad arguments exit 2.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../../config/config';
import { asDatabaseFailure, StartupError } from '../startup-errors';
import { BackupError, backupKindOf, kindMismatch } from '../store/backup/backup-file';
import { backupPostgres, restorePostgres, type RestoreOutcome } from '../store/backup/pg-backup';
import { backupPglite, restorePglite } from '../store/backup/pglite-backup';
import { DataDirInUseError } from '../store/data-dir-lock';

export type Mode = 'backup' | 'restore';

const USAGE: Record<Mode, string> = {
  backup: 'usage: npm run backup -- FILE',
  restore: 'usage: npm run restore -- FILE [--force]',
};

export interface CliOutcome {
  code: number;
  /** The line to print: stdout when `code` is 0, else stderr. */
  line: string;
}

function parseArgs(mode: Mode, argv: readonly string[]): { file: string; force: boolean } | string {
  const args = argv.filter((a) => a !== '--');
  const force = args.includes('--force');
  const rest = args.filter((a) => a !== '--force');
  if (mode === 'backup' && force) return `--force is for restore only\n${USAGE.backup}`;
  if (rest.length !== 1 || rest[0]!.startsWith('-')) return USAGE[mode];
  return { file: rest[0]!, force };
}

function aside(outcome: RestoreOutcome, what: string): string {
  return outcome.movedAside ? `; the ${what} that was there is kept as ${outcome.movedAside}: remove it once the restore is checked` : '';
}

/** Runs one command against the environment `env`; never throws for a failure it can explain. */
export async function runBackupCli(mode: Mode, argv: readonly string[], env: Record<string, string | undefined>): Promise<CliOutcome> {
  const args = parseArgs(mode, argv);
  if (typeof args === 'string') return { code: 2, line: args };
  try {
    const config = loadConfig(env);
    const url = config.DATABASE_URL;
    try {
      if (mode === 'backup') {
        if (url) {
          const { bytes, tables } = await backupPostgres({ url, schema: config.DATABASE_SCHEMA }, args.file);
          return { code: 0, line: `backup written: ${args.file} (${bytes} bytes; PostgreSQL schema ${config.DATABASE_SCHEMA}, ${tables} tables)` };
        }
        const { bytes } = await backupPglite(config.DATA_DIR, args.file);
        return { code: 0, line: `backup written: ${args.file} (${bytes} bytes; PGlite data directory ${config.DATA_DIR})` };
      }
      const kind = await backupKindOf(args.file);
      if ((kind === 'postgres') !== Boolean(url)) throw kindMismatch(args.file, kind);
      const next = 'start Cordon: it migrates the restored database to this version, and its reconciler re-queues what the queues lack';
      if (url) {
        const outcome = await restorePostgres({ url, schema: config.DATABASE_SCHEMA }, args.file, { force: args.force });
        return { code: 0, line: `restored ${args.file} into PostgreSQL schema ${config.DATABASE_SCHEMA}${aside(outcome, 'schema')}; ${next}` };
      }
      const outcome = await restorePglite(config.DATA_DIR, args.file, { force: args.force });
      return { code: 0, line: `restored ${args.file} into DATA_DIR ${config.DATA_DIR}${aside(outcome, 'directory')}; ${next}` };
    } catch (err) {
      throw asDatabaseFailure(err, url);
    }
  } catch (err) {
    if (err instanceof BackupError || err instanceof DataDirInUseError || err instanceof StartupError || err instanceof ConfigError) {
      return { code: 1, line: `${mode} failed: ${err.message}` };
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mode = process.argv[2];
  if (mode !== 'backup' && mode !== 'restore') {
    process.stderr.write('usage: tsx src/ops/backup.cli.ts backup|restore FILE [--force]\n');
    process.exit(2);
  }
  const { code, line } = await runBackupCli(mode, process.argv.slice(3), process.env);
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  process.exit(code);
}
