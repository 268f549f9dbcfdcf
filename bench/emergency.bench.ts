/**
 * Emergency path latency over HTTP on the real PostgreSQL and Redis: from sending an emergency
 * (accepted at once, alert stored and pushed on a Redis stream) to its trip showing in the
 * assigned driver's batch (the driver's own GET). p50 and p99 over N requests, a few at a time.
 *
 *   npm run bench -- emergency [--requests 200] [--concurrency 4]
 *
 * District: 4 communities x 5 corridors x 20 households (10% positive: they ride alone), one depot,
 * 16 passenger vehicles (4 seats, every 4th with wheelchair and escort) each with its driver,
 * 3 hospitals. 80% acute illness (to hospital), 20% emergency medicine (no live round: a goods trip).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/config';
import { buildApp } from '../src/http/app';
import type { AppDeps } from '../src/http/deps';
import { createAccount } from '../src/services/access/auth-accounts.service';
import { createLivePublisher } from '../src/services/live-status/live.service';
import { createLiveStream } from '../src/services/live-status/live-stream';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../src/store/db';
import { numberOption, percentile } from './options';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'bench password 123';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function seed(database: Database, deps: AppDeps): Promise<{ households: string[]; drivers: Map<string, string> }> {
  const db = database.db;
  const rand = rng(11);
  const area = async (kind: 'district' | 'street' | 'community' | 'building' | 'corridor', name: string, parent: string | null, community: string | null) =>
    (await db.insertInto('areas').values({ kind, name, parent_id: parent, community_id: community }).returning('id').executeTakeFirstOrThrow()).id;
  const district = await area('district', 'D', null, null);
  const street = await area('street', 'S', district, null);
  const households: string[] = [];
  for (let c = 0; c < 4; c++) {
    const community = await area('community', `M${c}`, street, null);
    await db.updateTable('areas').set({ community_id: community }).where('id', '=', community).execute();
    const building = await area('building', `B${c}`, community, community);
    for (let k = 0; k < 5; k++) {
      const corridor = await area('corridor', `C${c}-${k}`, building, community);
      const rows = await db.insertInto('households').values(Array.from({ length: 20 }, (_, h) => ({
        corridor_id: corridor, community_id: community, address: `${c}-${k}-${h}`, members: 2,
        infection_status: rand() < 0.1 ? ('positive' as const) : ('none' as const),
        lat: 31.2 + (rand() - 0.5) * 0.05, lon: 121.45 + (rand() - 0.5) * 0.05,
      }))).returning('id').execute();
      households.push(...rows.map((r) => r.id));
    }
  }
  const depot = (await db.insertInto('depots').values({ name: 'Depot', lat: 31.2, lon: 121.45 }).returning('id').executeTakeFirstOrThrow()).id;
  const drivers = new Map<string, string>();
  for (let v = 0; v < 16; v++) {
    await db.insertInto('vehicles').values({ depot_id: depot, name: `V${v}`, capacity: JSON.stringify({ seats: 4 }), skills: v % 4 === 0 ? ['wheelchair', 'escort'] : [] }).execute();
    const driver = (await db.insertInto('drivers').values({ depot_id: depot, name: `D${v}` }).returning('id').executeTakeFirstOrThrow()).id;
    const username = `driver${v}.bench`;
    await createAccount(deps, { username, password: PASSWORD, role: 'driver', assignments: { driverId: driver } }, { scryptCost: FAST_SCRYPT });
    drivers.set(driver, username);
  }
  for (const [name, lat, lon] of [['North', 31.23, 121.45], ['East', 31.2, 121.49], ['South', 31.17, 121.44]] as const) {
    await db.withTables<{ hospitals: { name: string; lat: number; lon: number } }>().insertInto('hospitals').values({ name, lat, lon }).execute();
  }
  await createAccount(deps, { username: 'dispatch.bench', password: PASSWORD, role: 'dispatcher', assignments: {} }, { scryptCost: FAST_SCRYPT });
  return { households, drivers };
}

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const total = numberOption(args, 'requests', 200);
  const concurrency = numberOption(args, 'concurrency', 4);
  const schema = `bench_emergency_${process.pid}`;
  const streamName = `bench-emergency-${process.pid}`;
  const database = await openDatabase({ url: PG_URL, schema, poolSize: 10 });
  await dropSchema(database);
  await migrateToLatest(database);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const logger = createLogger({ level: 'silent' });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, PASS_SIGNING_SECRET: 'bench-secret-0123456789abcdef0123456789', RATE_LIMIT_INTAKE_MAX: '1000000' });
  const live = createLivePublisher({ db: database.db as never, stream: createLiveStream(redis, { streamName }), clock: systemClock, logger });
  const deps: AppDeps = { config, db: database.db, database, logger, clock: systemClock, live };
  let server: Server | undefined;
  try {
    const { households, drivers } = await seed(database, deps);
    server = await new Promise<Server>((resolve) => { const s = buildApp(deps).listen(0, '127.0.0.1', () => resolve(s)); });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (method: string, path: string, token: string | null, body?: unknown) => {
      const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const login = async (username: string) => (await call('POST', '/api/auth/login', null, { username, password: PASSWORD })).body.token as string;
    const dispatcher = await login('dispatch.bench');
    const driverTokens = new Map<string, string>();
    for (const [id, username] of drivers) driverTokens.set(id, await login(username));

    const rand = rng(5);
    const jobs = Array.from({ length: total }, (_, i) => ({
      householdId: households[Math.floor(rand() * households.length)]!,
      body: rand() < 0.8 ? { kind: 'acute_illness' } : { kind: 'emergency_medicine', drug: `Drug ${i}`, strength: '10mg', quantity: 1 },
    }));
    const latencies: number[] = [];
    const acceptMs: number[] = [];
    let unserved = 0;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const t0 = performance.now();
        const res = await call('POST', `/api/households/${job.householdId}/emergencies`, dispatcher, job.body);
        acceptMs.push(performance.now() - t0);
        if (res.status !== 201) throw new Error(`emergency: ${res.status} ${JSON.stringify(res.body)}`);
        const driverId = res.body.driverId as string | null;
        if (res.body.status !== 'trip_assigned' || !driverId) { unserved++; continue; }
        // The driver's own view: the trip must be in their batch.
        const batch = await call('GET', `/api/drivers/${driverId}/transport-trips`, driverTokens.get(driverId)!);
        const trips = batch.body.trips as { stops: { emergencyId: string | null }[] }[];
        if (!trips.some((t) => t.stops.some((s) => s.emergencyId === res.body.id))) throw new Error('assigned trip missing from the driver batch');
        latencies.push(performance.now() - t0);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const metrics = {
      emergency_p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
      emergency_p99_ms: Math.round(percentile(latencies, 99) * 10) / 10,
      accept_p50_ms: Math.round(percentile(acceptMs, 50) * 10) / 10,
      requests: total,
      assigned: latencies.length,
      unserved,
      concurrency,
      requests_per_s: Math.round((total / seconds) * 10) / 10,
    };
    console.table(metrics);
    return metrics;
  } finally {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await redis.del(streamName).catch(() => undefined);
    redis.disconnect();
    await dropSchema(database);
    await database.close();
  }
}
