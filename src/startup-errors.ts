/**
 * Start-up failures an operator can fix, each said in one line that names the setting and the fix
 * (`PORT 3000 is in use by another process: stop it or set PORT=...`), instead of a stack trace. The
 * entry points (src/main.ts, workers/main.ts) print the line and exit non-zero. Lines never echo a
 * connection string: it may carry a password.
 */
import { DataDirInUseError } from './store/data-dir-lock';
import type { Server } from 'node:http';
import { once } from 'node:events';

export class StartupError extends Error {
  override readonly name: string = 'StartupError';
  constructor(
    line: string,
    /** The process's exit code. */
    readonly exitCode = 1,
  ) {
    super(line);
  }
}

interface NodeErrorLike {
  code?: unknown;
  message?: unknown;
}

const codeOf = (err: unknown): string | undefined => {
  const code = typeof err === 'object' && err !== null ? (err as NodeErrorLike).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** `host:port` of a URL, without user or password. */
export function endpointOf(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || defaultPort}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** No Redis at REDIS_URL (exit code 3: Redis is missing, not the configuration). */
export class RedisUnavailableError extends StartupError {
  override readonly name = 'RedisUnavailableError';
  constructor(line: string) {
    super(line, 3);
  }
}

/** `REDIS_URL: no Redis answers at host:port (why): start it, or point REDIS_URL at a running Redis`. */
export function redisUnavailable(url: string, why: string): RedisUnavailableError {
  return new RedisUnavailableError(`REDIS_URL: no Redis answers at ${endpointOf(url, 6379)} (${why}): start it, or point REDIS_URL at a running Redis`);
}

/**
 * Why the HTTP server could not listen on PORT/HOST, or undefined for an error of another kind.
 * `setting`: the variable naming the port (the workers' probe listener has its own, WORKER_PROBE_PORT).
 */
export function listenFailure(err: unknown, port: number, host: string, setting = 'PORT'): StartupError | undefined {
  const otherwise = setting === 'PORT' ? '' : `, or ${setting}=off to run without it`;
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new StartupError(`${setting} ${port} is in use by another process (on HOST ${host}): stop it or set ${setting} to a free port (${setting}=0 picks one)${otherwise}`);
    case 'EACCES':
      return new StartupError(`${setting} ${port} needs privileges this process does not have: set ${setting} to 1024 or above${otherwise}`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(`HOST ${host} is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0 for all`);
    default:
      return undefined;
  }
}

/**
 * Listens on `port`/`host`, or throws the one-line StartupError naming `setting` (port taken, no
 * privilege, bad HOST). Not Express's `app.listen`: Express 5 hands a listen error to its callback.
 */
export async function listenOrExplain(server: Server, port: number, host: string, setting = 'PORT'): Promise<void> {
  try {
    // events.once rejects with an 'error' emitted first.
    await once(server.listen(port, host), 'listening');
  } catch (err) {
    throw listenFailure(err, port, host, setting) ?? err;
  }
}

/** Why PostgreSQL at DATABASE_URL could not be used, or undefined for an error that is not about reaching it. */
export function databaseFailure(err: unknown, url: string): StartupError | undefined {
  const at = endpointOf(url, 5432);
  let user = '';
  let name = '';
  try {
    const u = new URL(url);
    user = decodeURIComponent(u.username);
    name = decodeURIComponent(u.pathname.slice(1));
  } catch {
    // endpointOf already says the URL is unparsable
  }
  const code = codeOf(err);
  switch (code) {
    case 'ECONNREFUSED':
      return new StartupError(`DATABASE_URL: no PostgreSQL answers at ${at} (connection refused): start it, or set DATABASE_URL to a running server`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`DATABASE_URL: host of ${at} not found: fix the host name in DATABASE_URL`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new StartupError(`DATABASE_URL: PostgreSQL at ${at} cannot be reached (${code}): check that it runs and this machine may reach it, or fix DATABASE_URL`);
    case '28P01':
    case '28000':
      return new StartupError(`DATABASE_URL: PostgreSQL at ${at} refused user "${user}" (${code}): fix the user or password in DATABASE_URL, or allow it in pg_hba.conf`);
    case '3D000':
      return new StartupError(`DATABASE_URL: database "${name}" does not exist at ${at}: create it (createdb ${name}) or fix the database name in DATABASE_URL`);
    case '57P03':
    case '53300':
      return new StartupError(`DATABASE_URL: PostgreSQL at ${at} does not accept connections now (${code}: starting up, or too many connections): try again, or lower DATABASE_POOL_SIZE`);
    case '42501':
      return new StartupError(`DATABASE_SCHEMA: user "${user}" may not create or use the schema (42501): grant it, or set DATABASE_SCHEMA to one it owns`);
    default:
      return undefined;
  }
}

/**
 * `err` as a one-line StartupError when it is about reaching PostgreSQL at `url`, or about DATA_DIR
 * being open in another process (PGlite); else `err` itself.
 */
export function asDatabaseFailure(err: unknown, url: string | undefined): unknown {
  if (err instanceof DataDirInUseError) return new StartupError(err.message);
  return (url && databaseFailure(err, url)) || err;
}
