/**
 * Shared fixtures of the queue, round and worker integration tests: a private Redis server that a
 * test may kill (the shared one is never stopped), unique queue prefixes, polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(name: string): string {
  return `t-${name}-${process.pid}-${Date.now().toString(36)}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a throw-away redis-server (no persistence) on a free port, for outage tests. */
export async function startPrivateRedis(port?: number, policy = 'noeviction'): Promise<PrivateRedis> {
  const p = port ?? (await freePort());
  const proc = spawn('redis-server', ['--port', String(p), '--save', '', '--appendonly', 'no', '--maxmemory-policy', policy], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${p}`;
  await until(async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  }, 5000);
  return {
    url,
    port: p,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}

/** Polls `check` until it returns true, or throws after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Deletes every key of a queue prefix on the shared Redis. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== '0');
  r.disconnect();
}

export interface WorkerProcess {
  proc: ChildProcess;
  /** Every log line so far (pino JSON). */
  lines: string[];
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a TypeScript entry point (relative to the repository) as its own node process, through tsx. */
/** At most this long after a process exits, its output is taken as whole (see spawnEntry). */
const STDIO_DRAIN_MS = 5_000;

export function spawnEntry(entry: string, env: Record<string, string>): WorkerProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  // What the process wrote last can still be in its pipes at 'exit' (a start-up failure's one line
  // was missing so, once, under load): the lines are whole when both streams have closed. A child it
  // left running (an API process of a killed cluster) may hold them open: then not past STDIO_DRAIN_MS.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => {
    const drained = Promise.all([proc.stdout, proc.stderr].map((s) => (s && !s.closed ? new Promise((done) => s.once('close', done)) : undefined)));
    const bound = new Promise((done) => setTimeout(done, STDIO_DRAIN_MS).unref());
    void Promise.race([drained, bound]).then(() => resolve({ code, signal }));
  }));
  return {
    proc,
    lines,
    exited,
    // A cold start (tsx, ~900 modules) took over 20 s on a CI machine busy with the rest of the suite.
    waitForLog: (pattern, timeoutMs = 90_000) => until(() => lines.some((l) => pattern.test(l)), timeoutMs),
  };
}

/** Starts `workers/main.ts` as its own process (one node process, TypeScript through tsx). */
export function spawnWorkers(env: Record<string, string>): WorkerProcess {
  // Live events off unless a test asks: other test files listen on the shared default stream.
  // Probe port 0 (a free one): the benchmarks start several worker processes side by side, and
  // only vitest's own env sets this for tests.
  return spawnEntry('workers/main.ts', { LIVE_EVENTS: '0', WORKER_PROBE_PORT: '0', ...env });
}
