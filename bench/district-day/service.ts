/**
 * The service as docker-compose runs it, for the district-day bench: a private redis-server (the
 * machine's shared one is never restarted), the API as a cluster of 2 processes (src/main.ts,
 * API_PROCESSES=2, workers off) and 2 worker processes (workers/main.ts), all on the bench's own
 * PostgreSQL schema and QUEUE_PREFIX. It also knows how to hurt them (kill -9 a worker, restart
 * Redis empty, kill -9 one API process) and records every exit, so the end can tell a crash from a
 * kill on purpose.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/config';
import { freePort, spawnEntry, spawnWorkers, startPrivateRedis, until, type PrivateRedis, type WorkerProcess } from '../../tests/integration/queue.fixtures';
import { PG_URL } from '../api.server';

export interface ServiceOptions {
  schema: string;
  prefix: string;
  workers: number;
  /** Solve budget per sub-problem, ms (SOLVE_TIME_LIMIT_MS). */
  solveMs: number;
}

export interface Exit { role: string; pid: number; code: number | null; signal: string | null; onPurpose: boolean }

export interface Service {
  url: string;
  redisUrl: string;
  api: WorkerProcess;
  workers: WorkerProcess[];
  exits: Exit[];
  /** Peak resident set per role seen so far (VmHWM, MB), sampled every second. */
  peakRss: Map<string, number>;
  killWorker(index: number): Promise<number>;
  restartRedis(): Promise<void>;
  /** kill -9 one API process of the cluster; resolves once the primary replaced it and /health answers. */
  killApiProcess(): Promise<number>;
  /** API processes that died without being killed here (the primary's "API process died" lines, less ours). */
  apiDeaths(): number;
  /** Writes the log lines of every process started (killed ones included) to `dir`, one file each; returns their paths. */
  writeLogs(dir: string, tag: string): string[];
  stop(): Promise<void>;
}

/** The node processes whose parent is `pid` (Linux /proc): tsx's esbuild helpers are children too, and not ours to count. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm === 'node' && stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(pid)) out.push(Number(d));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** The API's METRICS_TOKEN: the bench reads the processes' gauges off GET /metrics (gauges.ts). */
export const METRICS_TOKEN = 'bench-metrics-token-district-day';

export async function startService(o: ServiceOptions): Promise<Service> {
  let redis: PrivateRedis = await startPrivateRedis();
  const port = await freePort();
  const common = {
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: o.schema, REDIS_URL: redis.url, QUEUE_PREFIX: o.prefix, REDIS_AUTOSTART: 'off',
    NODE_ENV: 'production', LOG_LEVEL: 'warn', PASS_SIGNING_SECRET: 'bench-secret-bench-secret-bench-secret',
    LIVE_STREAM_NAME: `${o.prefix}-live`, SOLVE_TIME_LIMIT_MS: String(o.solveMs),
  };
  const apiEnv = {
    ...common, PORT: String(port), HOST: '127.0.0.1', API_PROCESSES: '2', WORKERS: 'off', DEMO_SEED: 'off',
    // Every simulated phone logs in from 127.0.0.1: the per-address limits would refuse a district's chiefs.
    // The pool is docker-compose's (DATABASE_POOL_SIZE's default, 20 a process), as the service runs
    // there; the bench had set 12.
    RATE_LIMIT_INTAKE_MAX: '10000000', RATE_LIMIT_LOGIN_MAX: '100000', METRICS_TOKEN,
  };
  // A killed worker's solve is retaken after the stall interval: 5 s, not 30 s, so the day goes on.
  // info: the bench waits for "workers started" and the tests' fixtures read the lines.
  const workerEnv = { ...common, LOG_LEVEL: 'info', LIVE_EVENTS: '1', RECONCILE_EVERY_MS: '5000', OUTBOX_POLL_MS: '200', WORKER_STALLED_INTERVAL_MS: '5000', WORKER_LOCK_DURATION_MS: '15000' };
  loadConfig(apiEnv);
  loadConfig(workerEnv);
  const exits: Exit[] = [];
  const onPurpose = new Set<number>();
  const spawned: { role: string; p: WorkerProcess }[] = [];
  const watch = (role: string, p: WorkerProcess) => {
    const pid = p.proc.pid!;
    spawned.push({ role: `${role}-${pid}`, p });
    void p.exited.then(({ code, signal }) => exits.push({ role, pid, code, signal, onPurpose: onPurpose.has(pid) }));
    return p;
  };
  const api = watch('api', spawnEntry('src/main.ts', apiEnv));
  const url = `http://127.0.0.1:${port}`;
  const healthy = async () => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  };
  const workers: WorkerProcess[] = [];
  const startWorker = () => watch('worker', spawnWorkers(workerEnv));
  try {
    await until(async () => {
      if (api.proc.exitCode !== null) throw new Error(`API exited: ${api.lines.slice(-5).join('\n')}`);
      return healthy();
    }, 120_000, 200);
    for (let i = 0; i < o.workers; i++) workers.push(startWorker());
    for (const w of workers) await w.waitForLog(/workers started/, 120_000);
  } catch (err) {
    // A start that failed leaves nothing running: what it spawned, and its Redis (one was left behind for hours).
    for (const { p } of spawned) p.proc.kill('SIGKILL');
    await redis.stop();
    throw err;
  }

  const peakRss = new Map<string, number>();
  const sample = () => {
    const roles: [string, number][] = [['api-primary', api.proc.pid!], ...childrenOf(api.proc.pid!).map((p): [string, number] => ['api-process', p])];
    for (const [i, w] of workers.entries()) {
      if (w.proc.exitCode !== null || w.proc.signalCode !== null) continue;
      roles.push([`worker-${i}`, w.proc.pid!], ...childrenOf(w.proc.pid!).map((p): [string, number] => [`worker-${i}-solver`, p]));
    }
    for (const [role, pid] of roles) {
      const mb = peakRssMb(pid);
      if (mb !== null) peakRss.set(role, Math.max(peakRss.get(role) ?? 0, mb));
    }
  };
  const sampler = setInterval(sample, 1000);

  return {
    url, api, workers, exits, peakRss,
    get redisUrl() { return redis.url; },
    async killWorker(index) {
      const w = workers[index]!;
      const pid = w.proc.pid!;
      onPurpose.add(pid);
      sample();
      w.proc.kill('SIGKILL');
      await w.exited;
      // Its replacement, as a supervisor (compose's restart: unless-stopped) would start.
      const next = startWorker();
      workers[index] = next;
      await next.waitForLog(/workers started/, 120_000);
      return pid;
    },
    async restartRedis() {
      const p = redis.port;
      await redis.stop();
      redis = await startPrivateRedis(p);
    },
    async killApiProcess() {
      const [victim] = childrenOf(api.proc.pid!);
      if (victim === undefined) throw new Error('no API process to kill');
      sample();
      process.kill(victim, 'SIGKILL');
      // The primary forks a replacement (src/api-cluster.ts); the other process serves meanwhile.
      await until(() => { const now = childrenOf(api.proc.pid!); return now.length >= 2 && !now.includes(victim); }, 120_000, 100);
      // The other process answers meanwhile; on a loaded machine, just after Redis came back empty, it took over 30 s once.
      await until(healthy, 120_000, 100);
      return victim;
    },
    apiDeaths: () => api.lines.filter((l) => l.includes('API process died')).length,
    writeLogs(dir, tag) {
      mkdirSync(dir, { recursive: true });
      return spawned.map(({ role, p }) => {
        const file = join(dir, `district-day-${tag}-${role}.log`);
        writeFileSync(file, p.lines.join('\n') + '\n');
        return file;
      });
    },
    async stop() {
      clearInterval(sampler);
      sample();
      for (const w of workers) {
        onPurpose.add(w.proc.pid!);
        w.proc.kill('SIGTERM');
      }
      onPurpose.add(api.proc.pid!);
      api.proc.kill('SIGTERM');
      await Promise.race([Promise.all([api.exited, ...workers.map((w) => w.exited)]), new Promise((r) => setTimeout(r, 30_000))]);
      for (const p of [api, ...workers]) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
      await redis.stop();
    },
  };
}
