/**
 * The real server for the benchmarks that drive the HTTP API: `src/main.ts` as a child process on
 * its own Postgres schema (already migrated and seeded by the bench), demo seed and workers off,
 * intake rate limit lifted. Used by the intake bench and the live bench's status latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadConfig } from '../config/config';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface ApiServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface ApiServerOptions {
  schema: string;
  /** API processes (the compose file runs 2). */
  processes: number;
  /** pg connections per API process. */
  pool: number;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const port = 3700 + Math.floor(Math.random() * 200);
  const env = {
    ...process.env,
    DATABASE_URL: PG_URL,
    DATABASE_SCHEMA: options.schema,
    DATABASE_POOL_SIZE: String(options.pool),
    API_PROCESSES: String(options.processes),
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_SEED: 'off',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    PASS_SIGNING_SECRET: 'bench-secret-bench-secret-bench-secret',
    RATE_LIMIT_INTAKE_MAX: '10000000',
    // Intake alone, as before npm start ran the workers: no outbox relay competing for the database.
    WORKERS: 'off',
  };
  loadConfig(env); // fail here, not in the child, on a bad setting
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  };
  try {
    await waitHealthy(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, child, stop };
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not become healthy');
}

/**
 * Logs in; returns the session token. A 503 is tried again a few times, as the app does: login fails
 * closed while its rate limiter's Redis does not answer within its deadline, which a freshly started
 * service on a loaded machine can miss for its first requests (seen at load average 12-13).
 */
export async function login(url: string, username: string, password: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.ok) return ((await res.json()) as { token: string }).token;
    if (res.status !== 503 || attempt === 5) throw new Error(`login ${username}: ${res.status}`);
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
}
