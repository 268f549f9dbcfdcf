/**
 * `npm run bench -- live`: fan-out latency and memory per client of one Socket.IO server process,
 * then (bench/live.status.ts) a need's 2xx to its `need.status_changed` on a unit chief's socket
 * through the real server, at idle and under intake load (`status_p50_ms`, `status_p99_ms`).
 *
 * Three processes, so nothing measures itself: this one (seeds PostgreSQL, then publishes like a
 * worker: event store + Redis stream), the server (attachLive on an HTTP server, real session auth
 * against PostgreSQL) and the clients (socket.io-client, WebSocket). Both children are started from
 * a shell that raises `ulimit -n` first (the default 1,024 caps a process near 1,000 sockets).
 * Latency = client receive time - the event's `at` (taken by the publisher before storing it), so it
 * includes the store insert, Redis, the adapter and the fan-out. Same machine, same clock.
 *
 * Options: --clients N (5000), --corridors N (50), --rate N corridor events per second (100), --seconds N (10),
 * --bursts N (20), --client-procs N (2); --only fanout|status (both); for the status part
 * --status-idle-probes N (40), --status-load-seconds N (20), --status-load-rate N intake requests per
 * second (0: as fast as answered, like the intake bench), --connections N (80), --processes N (2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { scope, type Scope } from '../src/contracts/events';
import { createLiveStream } from '../src/services/live-status/live-stream';
import { createLivePublisher } from '../src/services/live-status/live.service';
import { hashSessionToken, newSessionToken } from '../src/services/access/auth-secrets';
import { createAccount } from '../src/services/access/auth-accounts.service';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { dropSchema, migrateToLatest, openDatabase } from '../src/store/db';
import { insertSession } from '../src/store/session.repository';
import { runClients } from './live.clients';
import { runServer } from './live.server';
import { measureStatusLatency, statusMetrics } from './live.status';
import { numberOption, percentile, textOption } from './options';
import type { Db } from '../src/store/db';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const self = fileURLToPath(import.meta.url);

function option(args: string[], name: string, fallback: number): number {
  const value = numberOption(args, name, fallback);
  if (value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** Starts this file in another role, from a shell that raises the open-files limit first. */
function child(role: 'server' | 'clients', ...args: string[]): ChildProcess {
  const cmd = `ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "${process.execPath}" --expose-gc --import tsx "${self}" ${role} ${args.join(' ')}`;
  return spawn('sh', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

type Msg = Record<string, unknown> & { type: string };
function next(proc: ChildProcess, type: string, timeoutMs = 300_000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
    const onMessage = (m: Msg) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      resolve(m);
    };
    proc.on('message', onMessage);
    proc.once('exit', (code) => reject(new Error(`${type}: child exited with ${code}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const only = textOption(args, 'only', '');
  const fanout = only === 'status' ? {} : await runFanout(args);
  // After the fan-out part, whose 5,000 clients would otherwise share the machine with it.
  const status = only === 'fanout' ? {} : statusMetrics(await measureStatusLatency(args));
  return { ...fanout, ...status };
}

async function runFanout(args: string[]): Promise<Record<string, number | string | null>> {
  const clients = option(args, 'clients', 5000);
  const corridorCount = option(args, 'corridors', 50);
  const rate = option(args, 'rate', 100);
  const seconds = option(args, 'seconds', 10);
  const bursts = option(args, 'bursts', 20);
  const clientProcs = option(args, 'client-procs', 2);
  const prefix = `bench_live_${process.pid}`;

  const database = await openDatabase({ url: PG_URL, schema: prefix, poolSize: 4 });
  await migrateToLatest(database);
  const db = database.db;
  const redis = new Redis(REDIS_URL);
  const procs: ChildProcess[] = [];
  try {
    // Grid: one community, N corridors, one coordinator account per corridor, clients/N sessions each.
    const ins = (kind: 'district' | 'community' | 'corridor', parent: string | null, community: string | null) =>
      db.insertInto('areas').values({ kind, parent_id: parent, community_id: community, name: kind }).returning('id').executeTakeFirstOrThrow();
    const district = (await ins('district', null, null)).id;
    const community = (await ins('community', district, null)).id;
    const corridors: string[] = [];
    for (let i = 0; i < corridorCount; i++) corridors.push((await ins('corridor', community, community)).id);
    const sessions: { token: string; scope: Scope }[] = [];
    const now = new Date();
    for (let i = 0; i < corridorCount; i++) {
      const user = await createAccount({ db }, { username: `bench-c${i}`, password: 'bench password 1', role: 'coordinator', assignments: { corridorIds: [corridors[i]!] } }, { scryptCost: { N: 1024, r: 8, p: 1 } });
      await db.transaction().execute(async (trx) => {
        for (let k = i; k < clients; k += corridorCount) {
          const token = newSessionToken();
          await insertSession(trx, { userId: user.id, tokenHash: hashSessionToken(token), createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000) });
          sessions[k] = { token, scope: scope.corridor(corridors[i]!) };
        }
      });
    }

    const server = child('server', prefix);
    procs.push(server);
    const { port } = (await next(server, 'listening', 60_000)) as unknown as { port: number };
    const baseline = (await request(server, 'rss')).rss as number;

    // Clients spread over a few processes (real clients are separate devices; one process would
    // measure its own serial decoding of 5,000 frames per broadcast rather than the server's fan-out).
    const loads = Array.from({ length: clientProcs }, () => child('clients'));
    procs.push(...loads);
    loads.forEach((load, i) => load.send({ type: 'start', url: `http://127.0.0.1:${port}`, sessions: sessions.filter((_, k) => k % clientProcs === i) }));
    await Promise.all(loads.map((load) => next(load, 'ready')));
    const toClients = (m: Msg) => loads.forEach((load) => load.send(m));
    const loaded = (await request(server, 'rss')).rss as number;
    const kbPerClient = (loaded - baseline) / 1024 / clients;

    // Publish like a worker: store + Redis stream, from this process.
    const publisher = createLivePublisher({
      db: db as unknown as Db,
      stream: createLiveStream(redis, { streamName: `${prefix}:stream` }),
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
    });
    // Phase 1: need status changes, one corridor each (clients/corridors recipients), at `rate` per second.
    await request(server, 'server-side'); // drop samples taken before the measured phases
    toClients({ type: 'phase', name: 'status' });
    const cpuBefore = (await request(server, 'cpu')).cpu as NodeJS.CpuUsage;
    const phasesStart = Date.now();
    const total = rate * seconds;
    const publishMs: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      const c = corridors[i % corridorCount]!;
      const started = performance.now();
      await publisher.publish([scope.corridor(c)], { type: 'need.status_changed', needId: `n${i}`, householdId: `h${i % 997}`, status: 'out_for_delivery', previousStatus: 'planned' });
      publishMs.push(performance.now() - started);
    }
    await sleep(2000);
    // Phase 2: round progress to every corridor at once: one publish, every client receives it.
    toClients({ type: 'phase', name: 'broadcast' });
    const everyCorridor = corridors.map((c) => scope.corridor(c));
    for (let b = 0; b < bursts; b++) {
      const started = performance.now();
      await publisher.publish(everyCorridor, { type: 'round.progress', roundId: 'bench', percent: (100 * (b + 1)) / bursts, stage: 'routing' });
      publishMs.push(performance.now() - started);
      await sleep(500);
    }
    await sleep(2000);
    const cpuAfter = (await request(server, 'cpu')).cpu as NodeJS.CpuUsage;
    const wallMs = Date.now() - phasesStart;
    const serverSide = ((await request(server, 'server-side')).samples as number[]).sort((a, b) => a - b);
    type Report = { status: number[]; broadcast: number[]; connected: number; connectMs: number; cpuMs: number };
    const reports = (await Promise.all(loads.map((load) => request(load, 'report')))) as unknown as Report[];
    const report: Report = {
      status: reports.flatMap((r) => r.status),
      broadcast: reports.flatMap((r) => r.broadcast),
      connected: reports.reduce((n, r) => n + r.connected, 0),
      connectMs: Math.max(...reports.map((r) => r.connectMs)),
      cpuMs: reports.reduce((n, r) => n + r.cpuMs, 0),
    };
    const serverCpuMs = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000;

    const all = [...report.status, ...report.broadcast].sort((a, b) => a - b);
    const status = [...report.status].sort((a, b) => a - b);
    const broadcast = [...report.broadcast].sort((a, b) => a - b);
    const expected = total * (clients / corridorCount) + bursts * clients;
    const metrics = {
      clients: report.connected,
      fanout_p50_ms: percentile(all, 50),
      fanout_p99_ms: percentile(all, 99),
      kb_per_client: Math.round(kbPerClient * 10) / 10,
      // Publish -> socket for corridor status events (the relay and intake are not in it: see status_p99_ms).
      corridor_p99_ms: percentile(status, 99),
      broadcast_p50_ms: percentile(broadcast, 50),
      broadcast_p99_ms: percentile(broadcast, 99),
      deliveries: all.length,
      deliveries_expected: expected,
      server_fanout_p50_ms: percentile(serverSide, 50),
      server_fanout_p99_ms: percentile(serverSide, 99),
      publish_p99_ms: Math.round(percentile([...publishMs].sort((a, b) => a - b), 99)),
      connect_s: Math.round(report.connectMs / 100) / 10,
      // CPU share while publishing: the machine's other load shows up in latency, not here.
      server_cpu_pct: Math.round((100 * serverCpuMs) / wallMs),
      // CPU per delivered message: what the load would cost on a machine of its own.
      server_cpu_us_per_delivery: Math.round((1000 * serverCpuMs) / Math.max(1, all.length) * 10) / 10,
      client_procs: clientProcs,
      clients_cpu_pct: Math.round((100 * report.cpuMs) / wallMs),
      load_avg_1m: Math.round(loadavg()[0]! * 10) / 10,
    };
    console.log(`clients ${metrics.clients} (connected and subscribed in ${metrics.connect_s} s)`);
    console.log(`corridor status events: ${total} events over ${seconds} s, publish -> socket p99 ${metrics.corridor_p99_ms} ms`);
    console.log(`broadcasts to all clients: ${bursts}, p50 ${metrics.broadcast_p50_ms} ms, p99 ${metrics.broadcast_p99_ms} ms`);
    console.log(`fan-out over ${all.length}/${expected} deliveries: p50 ${metrics.fanout_p50_ms} ms, p99 ${metrics.fanout_p99_ms} ms (target < 250)`);
    console.log(`publish (store + XADD) p99 ${metrics.publish_p99_ms} ms; server side (event time -> frames written to every socket): p50 ${metrics.server_fanout_p50_ms} ms, p99 ${metrics.server_fanout_p99_ms} ms`);
    console.log(`CPU while publishing: server ${metrics.server_cpu_pct} % (${metrics.server_cpu_us_per_delivery} us per delivery), clients ${metrics.clients_cpu_pct} % of one core; machine load average ${metrics.load_avg_1m} (2 cores)`);
    console.log(`server RSS ${(baseline / 1048576).toFixed(0)} MB -> ${(loaded / 1048576).toFixed(0)} MB: ${metrics.kb_per_client} KB per client`);
    return metrics;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await dropSchema(database);
    await database.close();
  }
}

async function request(proc: ChildProcess, type: string): Promise<Msg> {
  const answer = next(proc, type, 30_000);
  proc.send({ type });
  return answer;
}

// Child roles: `live.bench.ts server <schema>` and `live.bench.ts clients`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const role = process.argv[2];
  if (role === 'server') await runServer(process.argv[3] ?? 'public');
  else if (role === 'clients') await runClients();
}
