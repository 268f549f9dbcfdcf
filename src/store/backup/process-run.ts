/**
 * Runs a PostgreSQL client tool (pg_dump, pg_restore) and collects its stderr for the error line.
 * The connection goes in as a libpq URI without its password, which travels in PGPASSWORD instead:
 * arguments are visible to every user of the machine (ps), the environment is not.
 */
import { spawn } from 'node:child_process';
import { BackupError } from './backup-file';

export interface Connection {
  /** The libpq URI without its password. */
  uri: string;
  env: NodeJS.ProcessEnv;
}

export function connectionOf(url: string): Connection {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { uri: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

/** Says how to get the PostgreSQL client tools of the server's major version. */
export function clientToolsHint(tool: string, serverMajor: number | undefined): string {
  const pkg = serverMajor ? `postgresql-client-${serverMajor}` : 'postgresql-client';
  return `${tool} not found on PATH: install the PostgreSQL client tools of the server's version ` +
    `(Debian/Ubuntu: apt-get install ${pkg}; ${tool} must be as new as the server) and make sure ${tool} is on PATH`;
}

/** Runs `tool args`, resolves with its stdout; throws a BackupError naming the tool and its last stderr lines. */
export function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv, serverMajor?: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new BackupError(clientToolsHint(tool, serverMajor)) : new BackupError(`${tool} could not be started: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise(Buffer.concat(out).toString('utf8'));
      const lines = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-4).join(' | ');
      reject(new BackupError(`${tool} failed (${signal ?? `exit ${code}`}): ${lines || 'no message'}`));
    });
  });
}
