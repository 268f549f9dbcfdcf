/**
 * The status part of `npm run bench -- live`: from a need's HTTP 2xx to its `need.status_changed`
 * on a subscribed unit chief's socket, end to end through the real server (src/main.ts, 2 API
 * processes, as the intake bench runs it): intake's statement, the trigger's NOTIFY, a relay in
 * either process, the event store, the Redis stream and the socket. Measured at idle (probes 0.25
 * to 0.75 s apart, so the relay is found waiting) and under the intake bench's load (autocannon,
 * 80 connections, in a process of its own: bench/live.load.ts), with a probe every 100 ms among
 * the load's requests.
 * An event that arrives before its 2xx counts as 0 ms.
 */
import { loadavg } from 'node:os';
import { io, type Socket } from 'socket.io-client';
import { scope, type Envelope } from '../src/contracts/events';
import { createAccount } from '../src/services/access/auth-accounts.service';
import { dropSchema, migrateToLatest, openDatabase } from '../src/store/db';
import { login, PG_URL, startApiServer, type ApiServer } from './api.server';
import { countNeeds, intakeTokens, seedIntake } from './intake.bench';
import { startLoad } from './live.load';
import { numberOption, percentile } from './options';

const CHIEF_PASSWORD = 'bench chief password 1';
const EVENT_TIMEOUT_MS = 10_000;

export interface StatusLatency {
  idle: number[];
  load: number[];
  /** Of the load's probes: 2xx to the relay storing the event (its `at`), then `at` to the socket. */
  loadPickup: number[];
  loadDelivery: number[];
  /** Probes whose event never came within 10 s. */
  lost: number;
  loadNeedsPerS: number;
  /** Intake requests per second asked of autocannon; 0: as fast as answered. */
  loadRate: number;
  /** The load's own figures (autocannon): intake p99 and refused requests. */
  loadP99Ms: number;
  loadNon2xx: number;
}

/** When a probe's event arrived (performance.now and wall clock) and when the relay stored it (wall clock). */
interface Arrival { at: number; wall: number; stored: number }
/** Waits for each probe's event: needId -> resolve(arrival). */
type Waiters = Map<string, (arrival: Arrival) => void>;

async function subscribeChief(url: string, token: string, corridorId: string, waiters: Waiters, early: Map<string, Arrival>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true });
  socket.on('event', (e: Envelope) => {
    if (e.event.type !== 'need.status_changed' || e.event.status !== 'accepted') return;
    const arrival = { at: performance.now(), wall: Date.now(), stored: Date.parse(e.at) };
    const waiter = waiters.get(e.event.needId);
    if (waiter) waiter(arrival);
    else early.set(e.event.needId, arrival); // before its 2xx was read
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emit('subscribe', { scope: scope.corridor(corridorId) }, (ack: { ok: boolean }) => (ack.ok ? resolve() : reject(new Error('subscribe refused')))));
  });
  return socket;
}

export async function measureStatusLatency(args: string[]): Promise<StatusLatency> {
  const idleProbes = numberOption(args, 'status-idle-probes', 40);
  const loadSeconds = numberOption(args, 'status-load-seconds', 20);
  const connections = numberOption(args, 'connections', 80);
  // 0: as fast as the server answers, as the intake bench drives it (its event loops saturated).
  const loadRate = numberOption(args, 'status-load-rate', 0);
  const schema = `bench_status_${Date.now().toString(36)}`;
  const database = await openDatabase({ url: PG_URL, schema, poolSize: 4 });
  let server: ApiServer | undefined;
  let socket: Socket | undefined;
  let loadChild: { kill(): boolean } | undefined;
  try {
    await migrateToLatest(database);
    const households = await seedIntake(database);
    const first = await database.db.selectFrom('households').select('corridor_id').where('id', '=', households[0]!).executeTakeFirstOrThrow();
    const corridorHouseholds = (await database.db.selectFrom('households').select('id').where('corridor_id', '=', first.corridor_id).execute()).map((h) => h.id);
    await createAccount({ db: database.db }, { username: 'bench.chief', password: CHIEF_PASSWORD, role: 'coordinator', assignments: { corridorIds: [first.corridor_id] } }, { scryptCost: { N: 1024, r: 8, p: 1 } });
    server = await startApiServer({ schema, processes: numberOption(args, 'processes', 2), pool: 16 });
    const url = server.url;
    const tokens = await intakeTokens(url);
    const waiters: Waiters = new Map();
    const early = new Map<string, Arrival>();
    socket = await subscribeChief(url, await login(url, 'bench.chief', CHIEF_PASSWORD), first.corridor_id, waiters, early);

    let lost = 0;
    let probeNo = 0;
    const pickup: number[] = [];
    const delivery: number[] = [];
    /** One need on the chief's corridor: ms from its 2xx to its event, or null when none came. */
    const probe = async (): Promise<number | null> => {
      const i = probeNo++;
      const household = corridorHouseholds[i % corridorHouseholds.length]!;
      const res = await fetch(`${url}/api/households/${household}/needs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
        body: JSON.stringify({ kind: 'medicine', details: { drug: `Status probe ${i}`, strength: '5 mg', quantity: 10, urgency: 'routine' } }),
      });
      const okAt = performance.now();
      const okWall = Date.now();
      if (res.status !== 201) throw new Error(`probe ${i}: HTTP ${res.status}`);
      const needId = ((await res.json()) as { need: { id: string } }).need.id;
      const arrived = early.get(needId) ?? (await new Promise<Arrival | null>((resolve) => {
        const timer = setTimeout(() => (waiters.delete(needId), resolve(null)), EVENT_TIMEOUT_MS);
        waiters.set(needId, (at) => (clearTimeout(timer), waiters.delete(needId), resolve(at)));
      }));
      early.delete(needId);
      if (arrived === null) {
        lost++;
        return null;
      }
      pickup.push(arrived.stored - okWall);
      delivery.push(arrived.wall - arrived.stored);
      return Math.max(0, arrived.at - okAt);
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    await probe(); // warm-up: plans, pools, the socket's first event
    const idle: number[] = [];
    for (let i = 0; i < idleProbes; i++) {
      await sleep(250 + ((i * 7919) % 500));
      const ms = await probe();
      if (ms !== null) idle.push(ms);
    }

    const loadRun = startLoad({ url, households, tokens, connections, rate: loadRate, seconds: loadSeconds });
    loadChild = loadRun.child;
    await loadRun.started;
    const load: number[] = [];
    pickup.length = 0;
    delivery.length = 0;
    const before = await countNeeds(database);
    const t0 = performance.now();
    await sleep(1000); // let the load settle
    // Every 100 ms, not waiting for the last probe's event: a slow one must not thin the sample.
    const probes: Promise<void>[] = [];
    while (performance.now() - t0 < (loadSeconds - 1) * 1000) {
      probes.push(probe().then((ms) => void (ms !== null && load.push(ms))));
      await sleep(100);
    }
    await Promise.all(probes);
    const cannon = await loadRun.done;
    const loadNeedsPerS = Math.round(((await countNeeds(database)) - before) / ((performance.now() - t0) / 1000));
    return { idle, load, loadPickup: pickup, loadDelivery: delivery, lost, loadNeedsPerS, loadRate, loadP99Ms: cannon.p99Ms, loadNon2xx: cannon.failed };
  } finally {
    loadChild?.kill();
    socket?.disconnect();
    await server?.stop();
    await dropSchema(database);
    await database.close();
  }
}

/** The metrics of the status part; status_p50_ms / status_p99_ms are the worse of idle and load. */
export function statusMetrics(r: StatusLatency): Record<string, number> {
  const p = (xs: number[], q: number) => Math.round(percentile(xs, q) * 10) / 10;
  const m = {
    status_idle_p50_ms: p(r.idle, 50),
    status_idle_p99_ms: p(r.idle, 99),
    status_load_p50_ms: p(r.load, 50),
    status_load_p99_ms: p(r.load, 99),
    status_load_pickup_p99_ms: p(r.loadPickup, 99),
    status_load_delivery_p99_ms: p(r.loadDelivery, 99),
    status_probes: r.idle.length + r.load.length,
    status_lost: r.lost,
    status_load_needs_per_s: r.loadNeedsPerS,
    status_load_rate: r.loadRate,
    status_load_intake_p99_ms: r.loadP99Ms,
    status_load_intake_failed: r.loadNon2xx,
    status_load_avg_1m: Math.round(loadavg()[0]! * 10) / 10,
  };
  const metrics = { status_p50_ms: Math.max(m.status_idle_p50_ms, m.status_load_p50_ms), status_p99_ms: Math.max(m.status_idle_p99_ms, m.status_load_p99_ms), ...m };
  console.log(`need 2xx -> need.status_changed on the unit chief's socket: idle p50 ${m.status_idle_p50_ms} ms, p99 ${m.status_idle_p99_ms} ms (${r.idle.length} probes); ` +
    `under intake load (${m.status_load_needs_per_s} needs/s, intake p99 ${r.loadP99Ms} ms, ${r.loadNon2xx} failed) p50 ${m.status_load_p50_ms} ms, p99 ${m.status_load_p99_ms} ms (${r.load.length} probes; 2xx -> relay stores it p99 ${m.status_load_pickup_p99_ms} ms, stored -> socket p99 ${m.status_load_delivery_p99_ms} ms); lost ${r.lost}; ` +
    `target p99 < 100 ms: ${metrics.status_p99_ms < 100 && r.lost === 0 ? 'MET' : 'NOT MET'} (load average ${m.status_load_avg_1m})`);
  return metrics;
}
