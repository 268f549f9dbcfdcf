/**
 * One transport placement against a busy day (issue #21): how long the transport-planning lock is
 * held, and where that time goes. The district-day bench saw emergencies wait minutes for a vehicle
 * behind that lock; this bench rebuilds the state they met in well under two minutes, on the real
 * PostgreSQL, through the service itself (placeRequests, no HTTP).
 *
 *   npm run bench -- transport-placement [--passes 300] [--cars 30] [--emergencies 10] [--span-h 12] [--in-flight 0]
 *
 * Set-up: 4 depots, `--cars` passenger cars (4 seats, every other one with wheelchair and escort, a
 * driver each, no shift templates: the district-day fleet's passenger tenth), 3 hospitals, 2,000
 * households (bench/grid.seed.ts) spread over ~9 x 9 km, 5% positive (they ride alone). `--passes`
 * passes are approved one after another (two legs each, appointments spread over the next
 * `--span-h` hours): every approval is a placement too. Then `--emergencies` emergencies are placed one at a time, each measured from taking the
 * lock to commit. With `--in-flight N` the approvals instead go through the transport batches
 * (src/services/passes/transport-batch.ts), N at a time as a burst of requests would: the figures are
 * the approvals per second and what a batch's time goes to. A Kysely plugin times every statement of the transaction, so a placement splits
 * into reads, writes (each summed over its statements), and the rest: the planner's CPU, mapping, commit.
 */
import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { Pass } from '../src/domain/pass';
import { insertCase } from '../src/store/emergency.repository';
import { insertPass, movePass } from '../src/store/pass.repository';
import { insertRequests, lockTransportPlanning, type NewRequest } from '../src/store/pass-transport.repository';
import { placeRequests } from '../src/services/passes/pass-transport.service';
import { legEndsOf, onPassMoved, recordPassDriver } from '../src/services/passes/pass-legs';
import { inTransportBatch } from '../src/services/passes/transport-batch';
import { dropSchema, migrateToLatest, openDatabase, type Database, type Db } from '../src/store/db';
import { seedGrid } from './grid.seed';
import { numberOption, percentile } from './options';
import type { Metrics } from './run';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const HOUR = 3600_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Times each statement and sorts it into reads and writes, in the order they ran. */
class StatementClock implements KyselyPlugin {
  private readonly started = new WeakMap<object, { at: number; write: boolean }>();
  readonly log: { at: number; ms: number; write: boolean }[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const write = ['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode'].includes(args.node.kind);
    this.started.set(args.queryId, { at: performance.now(), write });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const s = this.started.get(args.queryId);
    if (s) this.log.push({ at: s.at, ms: performance.now() - s.at, write: s.write });
    return args.result;
  }
}

interface Seeded { households: { id: string; corridorId: string; communityId: string }[]; hospitals: string[] }

async function seed(database: Database, cars: number): Promise<Seeded> {
  const db = database.db;
  const rand = rng(7);
  const grid = await seedGrid(database, { households: 2000, corridors: 100 });
  // Spread over ~9 x 9 km, so legs share cars only where their ways and times fit.
  const lat = grid.households.map(() => 31.16 + rand() * 0.08);
  const lon = grid.households.map(() => 121.41 + rand() * 0.08);
  const positive = grid.households.map(() => (rand() < 0.05 ? 'positive' : 'none'));
  await sql`update households h set lat = v.lat, lon = v.lon, infection_status = v.inf
    from unnest(${grid.households}::uuid[], ${lat}::float8[], ${lon}::float8[], ${positive}::text[]) as v(id, lat, lon, inf) where h.id = v.id`.execute(db);
  const rows = new Map((await db.selectFrom('households').select(['id', 'corridor_id', 'community_id']).execute()).map((h) => [h.id, h]));
  const households = grid.households.map((id) => ({ id, corridorId: rows.get(id)!.corridor_id, communityId: rows.get(id)!.community_id }));
  const depots: string[] = [];
  for (let d = 0; d < 4; d++) {
    depots.push((await db.insertInto('depots').values({ name: `Depot ${d}`, lat: 31.17 + d * 0.02, lon: 121.42 + (d % 2) * 0.04 }).returning('id').executeTakeFirstOrThrow()).id);
  }
  for (let v = 0; v < cars; v++) {
    const depot = depots[v % depots.length]!;
    await db.insertInto('vehicles').values({ depot_id: depot, name: `Car ${v}`, capacity: JSON.stringify({ seats: 4 }), skills: v % 2 === 0 ? ['wheelchair', 'escort'] : [] }).execute();
    await db.insertInto('drivers').values({ depot_id: depot, name: `Driver ${v}` }).execute();
  }
  const hospitals: string[] = [];
  for (const [name, lat, lon] of [['North', 31.23, 121.45], ['East', 31.2, 121.49], ['South', 31.17, 121.44]] as const) {
    hospitals.push((await db.insertInto('hospitals').values({ name, lat, lon }).returning('id').executeTakeFirstOrThrow()).id);
  }
  return { households, hospitals };
}

interface Sample { lockMs: number; loadMs: number; writeMs: number; otherMs: number; statements: number; writes: number }

/** Runs `body` in a transaction that takes the planning lock first; splits its time by the statements' clock. */
async function measured(database: Database, body: (trx: Db) => Promise<void>): Promise<Sample> {
  const clock = new StatementClock();
  await database.db.withPlugin(clock).transaction().execute(async (trx) => {
    await lockTransportPlanning(trx);
    await body(trx);
  });
  const lockMs = performance.now() - clock.log[0]!.at; // from asking for the lock (no contention here) to commit
  const [, ...rest] = clock.log;
  const loadMs = rest.filter((s) => !s.write).reduce((a, s) => a + s.ms, 0);
  const writeMs = rest.filter((s) => s.write).reduce((a, s) => a + s.ms, 0);
  return { lockMs, loadMs, writeMs, otherMs: lockMs - loadMs - writeMs, statements: clock.log.length, writes: clock.log.filter((s) => s.write).length };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * `count` approvals through the transport batches, `inFlight` waiting at a time, on a database
 * whose statements `clock` times: approvals per second, statements per approval (its legs' ends read
 * before it queues, as the service's request does, included), and the time of the reads and of the writes.
 */
async function batchedApprovals(database: Database, seeded: Seeded, count: number, inFlight: number, spanH: number, rand: () => number): Promise<Metrics> {
  const clock = new StatementClock();
  const db = database.db.withPlugin(clock);
  const now = new Date();
  const passes: Pass[] = [];
  for (let i = 0; i < count; i++) {
    const h = seeded.households[Math.floor(rand() * seeded.households.length)]!;
    const appointmentAt = new Date(now.getTime() + HOUR + Math.floor(rand() * spanH * 4) * HOUR / 4);
    passes.push(await insertPass(database.db, {
      householdId: h.id, corridorId: h.corridorId, communityId: h.communityId, person: `Resident ${i}`, hospitalId: seeded.hospitals[i % seeded.hospitals.length]!,
      reason: 'Dialysis', appointmentAt, visitEndsAt: new Date(appointmentAt.getTime() + HOUR), needsEscort: false, needsWheelchair: i % 10 === 0,
      createdBy: 'bench', createdAt: now,
    }));
  }
  const t0 = performance.now();
  const from = clock.log.length;
  let next = 0;
  const lane = async () => {
    while (next < passes.length) {
      const pass = passes[next++]!;
      // As the approval's request does (pass.service.ts): its legs' ends read before it queues.
      const ends = await legEndsOf(db, pass);
      await inTransportBatch(db, {
        now,
        places: true,
        apply: async (trx) => {
          const moved = (await movePass(trx, pass, 'applied', 'approved', { actor: 'bench', at: now }))!;
          const legs = await onPassMoved(trx, moved, now, ends);
          return { place: legs, finish: (t, placement) => recordPassDriver(t, moved, legs, placement) };
        },
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const statements = clock.log.slice(from);
  const sum = (write: boolean) => statements.filter((s) => s.write === write).reduce((a, s) => a + s.ms, 0) / 1000;
  return {
    batched_approvals: count, in_flight: inFlight, batched_approve_s: round1(seconds), batched_approvals_per_s: round1(count / seconds),
    // Summed over the statements, which overlap: the lanes read their legs' ends side by side, and a batch's changes write side by side.
    batched_statements_per_approval: round1(statements.length / count), batched_reads_s: round1(sum(false)), batched_writes_s: round1(sum(true)),
  };
}
const p = (xs: Sample[], k: keyof Sample, q: number) => round1(percentile(xs.map((s) => s[k]), q));

export async function run(args: string[]): Promise<Metrics> {
  const passes = numberOption(args, 'passes', 300);
  const cars = numberOption(args, 'cars', 30);
  const emergencies = numberOption(args, 'emergencies', 10);
  const spanH = numberOption(args, 'span-h', 12);
  const inFlight = numberOption(args, 'in-flight', 0);
  const database = await openDatabase({ url: PG_URL, schema: `bench_transport_${process.pid}`, poolSize: 4 });
  try {
    await dropSchema(database);
    await migrateToLatest(database);
    const db = database.db;
    const seeded = await seed(database, cars);
    const { households, hospitals } = seeded;
    const rand = rng(3);
    if (inFlight > 0) {
      const metrics = await batchedApprovals(database, seeded, passes, inFlight, spanH, rand);
      console.table(metrics);
      return metrics;
    }
    const now = new Date();
    const approvals: Sample[] = [];
    const t0 = performance.now();
    for (let i = 0; i < passes; i++) {
      const h = households[Math.floor(rand() * households.length)]!;
      const appointmentAt = new Date(now.getTime() + HOUR + Math.floor(rand() * spanH * 4) * HOUR / 4);
      const pass = await insertPass(db, {
        householdId: h.id, corridorId: h.corridorId, communityId: h.communityId, person: `Resident ${i}`, hospitalId: hospitals[i % hospitals.length]!,
        reason: 'Dialysis', appointmentAt, visitEndsAt: new Date(appointmentAt.getTime() + HOUR), needsEscort: false, needsWheelchair: i % 10 === 0,
        createdBy: 'bench', createdAt: now,
      });
      approvals.push(await measured(database, async (trx) => { await placeRequests(trx, now, await onPassMoved(trx, { ...pass, status: 'approved' }, now)); }));
    }
    const approveS = (performance.now() - t0) / 1000;
    const live = await sql<{ trips: number; requests: number; assigned: number }>`
      select (select count(*)::int from transport_trips where status = 'planned') as trips,
             (select count(*)::int from transport_requests) as requests,
             (select count(*)::int from transport_requests where status = 'assigned') as assigned`.execute(db);

    const cases: Sample[] = [];
    for (let i = 0; i < emergencies; i++) {
      const h = households[Math.floor(rand() * households.length)]!;
      const c = await insertCase(db, { householdId: h.id, corridorId: h.corridorId, communityId: h.communityId, kind: 'acute_illness', needId: null, hospitalId: hospitals[0]!, createdBy: 'bench', acceptedAt: now });
      const leg: NewRequest = {
        pass_id: null, emergency_id: c.id, leg: 'emergency', household_id: h.id, community_id: h.communityId, pickup_lat: 31.2, pickup_lon: 121.45,
        drop_lat: 31.23, drop_lon: 121.45, earliest_pickup: now, latest_drop: new Date(now.getTime() + 4 * HOUR), seats: 1,
        wheelchair: false, escort: false, isolated: false, goods: false, urgent: true,
      };
      cases.push(await measured(database, async (trx) => { await placeRequests(trx, now, await insertRequests(trx, [leg])); }));
    }
    const late = approvals.slice(Math.floor(approvals.length * 0.9));
    const metrics: Metrics = {
      passes, cars, live_trips: live.rows[0]!.trips, requests: live.rows[0]!.requests, assigned: live.rows[0]!.assigned,
      approve_s: round1(approveS),
      approve_late_p50_ms: p(late, 'lockMs', 50), approve_late_statements_p50: p(late, 'statements', 50), approve_late_writes_p50: p(late, 'writes', 50),
      emergency_lock_p50_ms: p(cases, 'lockMs', 50), emergency_lock_max_ms: p(cases, 'lockMs', 100),
      emergency_load_p50_ms: p(cases, 'loadMs', 50), emergency_plan_cpu_p50_ms: p(cases, 'otherMs', 50), emergency_write_p50_ms: p(cases, 'writeMs', 50),
      emergency_statements_p50: p(cases, 'statements', 50), emergency_writes_p50: p(cases, 'writes', 50),
    };
    console.table(metrics);
    return metrics;
  } finally {
    await dropSchema(database);
    await database.close();
  }
}
