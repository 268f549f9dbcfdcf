/**
 * A district day (issue #21): the whole service carrying one food cycle end to end, with faults,
 * measured. The API runs as a cluster of 2 processes and the workers as 2 processes (as
 * docker-compose runs them), on the bench's own PostgreSQL schema and a private Redis.
 *
 *   npm run bench -- district-day [--scale 0.02] [--clock 10] [--spread-s 60] [--solve-ms 3000] [--faults on|off] [--vacuum auto|on|off] [--keep 1]
 *
 * --scale 1 is the district of the issue (137,000 households, 5,000 corridors in ~120 communities,
 * 4 depots, 300 vehicles; 30,000 medicine needs, 1,000 passes, 200 emergencies; a socket per
 * corridor and per driver); 0.02 runs in a few minutes. --clock: simulated minutes per real second
 * while drivers walk their batches. --spread-s: real seconds over which needs, passes and
 * emergencies arrive. --solve-ms: the solve budget per sub-problem (SOLVE_TIME_LIMIT_MS). --vacuum: the
 * bench does autovacuum's work on its schema (district-day/vacuum.ts); auto: when the server has
 * autovacuum off, as a production server would not. --keep 1 leaves
 * the schema in place (its name is printed) to look into a failed check. --until food-proposed stops
 * once the food round is proposed and keeps the schema (no figures written): a full-scale district
 * with a planned round, to profile or replay preparation and merge on (fail the round, start another).
 *
 * Phases: 1 set-up (register and fleet imports, accounts, stock with one food component 20% short);
 * 2 the cycle (the food round after the cycle's entitlements, with medicine needs, passes and
 * emergencies arriving meanwhile; approved, dispatched and driven; then the day's medicine round);
 * 3 faults (kill -9 a worker mid-solve; Redis restarted empty and one API process killed while
 * drivers report); 4 checks (checks.ts; any non-zero fails the bench); 5 figures.
 */
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import { scope } from '../src/contracts/events';
import { generateFoodEntitlements } from '../src/services/needs/food-entitlement.service';
import { dropSchema, migrateToLatest, openDatabase } from '../src/store/db';
import { login, PG_URL } from './api.server';
import { MUST_BE_ZERO, needChecks, passChecks, processChecks, socketChecks, stockChecks } from './district-day/checks';
import { walkRound } from './district-day/drivers';
import { sleep } from './district-day/http';
import { runIntake } from './district-day/intake';
import { procureMedicine } from './district-day/procurement';
import { connectAll, localGroup, type SocketGroup } from './district-day/live-clients';
import { startChiefSockets } from './district-day/chief-sockets';
import { runRound } from './district-day/rounds';
import { gaugeFigures, sampleGauges } from './district-day/gauges';
import { startService, childrenOf, METRICS_TOKEN, type Service } from './district-day/service';
import { PASSWORD, setUpDistrict } from './district-day/setup';
import { serverAutovacuumOff, startVacuuming, type VacuumFigures } from './district-day/vacuum';
import { daySize } from './district-day/size';
import { numberOption, percentile, textOption } from './options';
import type { Metrics } from './run';

const SHORT_ITEM = 'canned-pork';

/** Intake p99 (ms) during each stage of a round started at `t0`: preparation, searches, merge. */
function stageP99(samples: { at: number; ms: number }[], t0: number, r: { preparedS: number; searchedS: number; toProposalS: number }): Metrics {
  const stages = { prepare: [0, r.preparedS], search: [r.preparedS, r.searchedS], merge: [r.searchedS, r.toProposalS] } as const;
  return Object.fromEntries(Object.entries(stages).map(([name, [from, to]]) => {
    const within = samples.filter((s) => s.at >= t0 + from * 1000 && s.at <= t0 + to * 1000).map((s) => s.ms);
    return [`intake_p99_ms_${name}`, within.length ? round1(percentile(within, 99)) : null];
  }));
}
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function run(args: string[]): Promise<Metrics> {
  const scale = numberOption(args, 'scale', 0.02);
  const minutesPerSecond = numberOption(args, 'clock', 10);
  const spreadMs = numberOption(args, 'spread-s', 60) * 1000;
  const solveMs = numberOption(args, 'solve-ms', 3000);
  const faults = textOption(args, 'faults', 'on') === 'on';
  const vacuumOption = textOption(args, 'vacuum', 'auto');
  if (!['auto', 'on', 'off'].includes(vacuumOption)) throw new Error(`--vacuum must be auto, on or off, got ${vacuumOption}`);
  const until = textOption(args, 'until', 'end');
  if (!['end', 'food-proposed'].includes(until)) throw new Error(`--until must be end or food-proposed, got ${until}`);
  const keep = numberOption(args, 'keep', 0) === 1 || until !== 'end';
  const size = daySize(scale);
  const tag = Date.now().toString(36);
  const database = await openDatabase({ url: PG_URL, schema: `bench_day_${tag}`, poolSize: 4 });
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      phases[`phase_${name}_s`] = round1((performance.now() - t0) / 1000);
      console.log(`district-day: ${name} ${phases[`phase_${name}_s`]} s`);
    }
  };
  const wall0 = performance.now();
  let service: Service | undefined;
  const sockets: SocketGroup[] = [];
  const vacuuming = vacuumOption === 'on' || (vacuumOption === 'auto' && (await serverAutovacuumOff(PG_URL)))
    ? startVacuuming(PG_URL, database.schema, (line) => console.log(`district-day: ${line}`)) : null;
  let vacuumed: VacuumFigures | null = null;
  try {
    await migrateToLatest(database);
    service = await startService({ schema: database.schema, prefix: `bench-day-${tag}`, workers: 2, solveMs });
    const svc = service;
    // Ctrl-C: the service's processes and the private Redis go too, and the schema is dropped.
    const interrupted = () => void svc.stop().then(() => dropSchema(database)).finally(() => process.exit(130));
    process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
    const url = svc.url;

    // 1. Set-up through the imports; every account logged in; the sockets connected.
    const district = await phase('setup', () => setUpDistrict(database, url, size, SHORT_ITEM, 20));
    const tokens = new Map<string, string>();
    const usernames = ['bench.dispatch', ...district.corridors.map((c) => c.chief), ...district.staffOf.values(), ...district.drivers.map((d) => d.username)];
    for (let i = 0; i < usernames.length; i += 50) {
      await Promise.all(usernames.slice(i, i + 50).map(async (u) => tokens.set(u, await login(url, u, PASSWORD))));
    }
    // Live delay: an HTTP 2xx (a single need accepted, a handover confirmed) to its event on the chief's socket.
    const waiting = new Map<string, number>();
    const early = new Map<string, number>();
    // ms: 2xx to the socket; pickupMs: 2xx to the relay storing the event (its `at`), the relay's queue.
    const live: { at: number; ms: number; pickupMs: number }[] = [];
    const onTimed = (key: string, at: number, storedAt: number) => {
      const okAt = waiting.get(key);
      if (okAt === undefined) return void early.set(key, at);
      waiting.delete(key);
      live.push({ at: okAt, ms: Math.max(0, at - okAt), pickupMs: Math.max(0, storedAt - okAt) });
    };
    const expect = (key: string, okAt: number) => {
      if (early.has(key)) return void (early.delete(key), live.push({ at: okAt, ms: 0, pickupMs: 0 }));
      waiting.set(key, okAt);
    };
    const connected = await phase('sockets', async () => {
      // The chiefs' sockets in child processes (5,000 at full scale); the drivers' here, as the simulated drivers report over them.
      sockets.push(await startChiefSockets(url, district.corridors.map((c) => ({ token: tokens.get(c.chief)!, scope: scope.corridor(c.id) })), onTimed));
      const drivers = await connectAll(url, district.drivers.map((d) => ({ token: tokens.get(d.username)!, scope: scope.driver(d.id) })), () => {});
      sockets.push(localGroup(drivers));
      return { driverSockets: new Map(district.drivers.map((d, i) => [d.id, drivers[i]!])) };
    });

    // 2. The cycle. The scheduler's first step: this cycle's food packages, per community.
    let entitlements = 0;
    await phase('entitlements', async () => {
      for (const c of district.communities) entitlements += (await generateFoodEntitlements({ db: database.db, foodCycleDays: 3 }, c, { at: new Date() })).created;
    });
    const dispatcher = tokens.get('bench.dispatch')!;
    const cycle0 = performance.now();
    // The API processes' event-loop stalls, pool and transport queue, every 5 s, as Prometheus would read them.
    const gauges = sampleGauges(url, METRICS_TOKEN, 5000);
    const intake = runIntake({ url, district, tokens, spreadMs, medicineNeeds: size.medicineNeeds, passes: size.passes, emergencies: size.emergencies, onAccepted: (id, okAt) => expect(`need:${id}`, okAt) });
    intake.catch(() => undefined); // thrown where awaited, not as an unhandled rejection meanwhile
    let killedMidSolve = -1;
    // 3a. kill -9 a worker while the food round is being solved (its solve is retaken after the stall interval).
    const workerFault = async () => {
      if (!faults) return;
      await sleep(Math.min(solveMs / 2, 3000));
      killedMidSolve = svc.workers.some((w) => childrenOf(w.proc.pid!).length > 0) ? 1 : 0;
      const victim = svc.workers.findIndex((w) => childrenOf(w.proc.pid!).length > 0);
      await svc.killWorker(Math.max(0, victim));
    };
    // The bench's own event loop times every request it sends: how long it was held through the
    // round says how much of a slow answer was the bench's (its drivers' sockets live here).
    const benchLoop = monitorEventLoopDelay({ resolution: 10 });
    benchLoop.enable();
    const food = await phase('food_round_planning', () => runRound(url, dispatcher, district.districtId, 'food', workerFault, { approve: until === 'end' }));
    benchLoop.disable();
    if (until === 'food-proposed') {
      // The intake still sending meets a stopped service: its failures are not this run's result.
      intake.catch(() => undefined);
      throw new Error(`stopped, as asked, once the food round was proposed (${round1(food.toProposalS)} s); no figures written`);
    }
    const planningWindow = [cycle0, cycle0 + food.toProposalS * 1000] as const;
    // 3b. While drivers report: Redis restarted empty, then one API process killed.
    let apiKills = 0;
    // When each fault struck, to read the live events that never arrived against them.
    const faultAt = new Map<string, number>();
    const walkFaults = (async () => {
      if (!faults) return;
      await sleep(3000);
      faultAt.set('redis restarted', performance.now());
      await svc.restartRedis();
      await sleep(4000);
      faultAt.set('an API process killed', performance.now());
      await svc.killApiProcess();
      apiKills++;
    })();
    // Awaited after the food walk: a fault that fails meanwhile must not end this process as an
    // unhandled rejection, leaving the service's processes running (it is thrown at the await).
    walkFaults.catch(() => undefined);
    const walk = { url, district, tokens, driverSockets: connected.driverSockets, minutesPerSecond, onHandedOver: (stopId: string, okAt: number) => expect(`stop:${stopId}`, okAt) };
    const foodWalk = await phase('food_round_driven', () => walkRound({ ...walk, roundId: food.roundId }));
    await walkFaults;
    const arrived = await phase('intake_finished', () => intake);
    const procured = await phase('medicine_procured', () => procureMedicine(url, district.adminToken));
    const medicine = await phase('medicine_round_planning', () => runRound(url, dispatcher, district.districtId, 'medicine'));
    const medicineWalk = await phase('medicine_round_driven', () => walkRound({ ...walk, roundId: medicine.roundId }));
    await sleep(3000); // the last events on their way to the sockets

    vacuumed = (await vacuuming?.stop()) ?? null;
    const gaugeSamples = await gauges.stop();

    // 4. Checks.
    const needs = await needChecks(database.db);
    const checks = await phase('checks', async () => ({
      ...needs.checks, ...(await stockChecks(database.db)), ...(await passChecks(database.db)), ...(await socketChecks(sockets, (line) => console.log(`  socket: ${line}`))), ...processChecks(svc, apiKills),
    }));
    const dbBytes = Number((await sql<{ n: string }>`select coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)::text as n
      from pg_tables where schemaname = ${database.schema}`.execute(database.db)).rows[0]!.n);

    // 5. Figures.
    const planning = (s: { at: number }) => s.at >= planningWindow[0] && s.at <= planningWindow[1];
    const duringPlanning = arrived.needs.filter(planning).map((s) => s.ms);
    // Single needs during planning by whether their request opened a connection (http.ts `fresh`).
    const byConnection = (fresh: boolean) => arrived.needs.filter((s) => planning(s) && s.fresh === fresh).map((s) => s.ms);
    const livePlanning = live.filter(planning).map((s) => s.ms);
    const pickupPlanning = live.filter(planning).map((s) => s.pickupMs);
    const seconds = (ms: number) => Math.round(ms / 10) / 100;
    const peak = Object.fromEntries([...svc.peakRss].map(([role, mb]) => [`peak_rss_mb_${role.replace(/-/g, '_')}`, mb]));
    const metrics: Metrics = {
      wall_s: round1((performance.now() - wall0) / 1000),
      food_round_to_proposal_s: round1(food.toProposalS),
      food_round_to_dispatch_s: round1(food.toDispatchS),
      medicine_round_to_proposal_s: round1(medicine.toProposalS),
      intake_p99_ms: round1(percentile(duringPlanning.length ? duringPlanning : arrived.needs.map((s) => s.ms), 99)),
      intake_p99_ms_all_day: round1(percentile(arrived.needs.map((s) => s.ms), 99)),
      intake_samples_during_planning: duringPlanning.length,
      intake_p99_ms_open_connection: round1(percentile(byConnection(false), 99)),
      intake_p99_ms_new_connection: round1(percentile(byConnection(true), 99)),
      intake_new_connections_during_planning: byConnection(true).length,
      // The food round's stages (from its trigger): preparation (the POST's answer), searches, merge.
      food_round_prepared_s: round1(food.preparedS),
      food_round_searched_s: round1(food.searchedS),
      ...stageP99(arrived.needs, cycle0, food),
      live_p50_ms: round1(percentile(livePlanning, 50)),
      live_p99_ms: round1(percentile(livePlanning, 99)),
      // The bench process's event-loop delay from the cycle's start to the food round's dispatch.
      bench_loop_delay_p99_ms: round1(benchLoop.percentile(99) / 1e6),
      bench_loop_delay_max_ms: round1(benchLoop.max / 1e6),
      live_samples_during_planning: livePlanning.length,
      live_relay_pickup_p99_ms: round1(percentile(pickupPlanning, 99)),
      live_p50_ms_all_day: round1(percentile(live.map((s) => s.ms), 50)),
      live_p99_ms_all_day: round1(percentile(live.map((s) => s.ms), 99)),
      live_samples: live.length,
      live_never_arrived: waiting.size,
      // The API processes' gauges (gauges.ts): while the food round planned, and from the cycle's start to the end.
      ...gaugeFigures(gaugeSamples, planningWindow[0], planningWindow[1], 'planning'),
      ...gaugeFigures(gaugeSamples, cycle0, Infinity, 'day'),
      emergency_assign_p50_s: seconds(percentile(arrived.emergencies.assignedMs, 50)),
      emergency_assign_p99_s: seconds(percentile(arrived.emergencies.assignedMs, 99)),
      emergencies: arrived.emergencies.ids.length,
      emergencies_unassigned: arrived.emergencies.unassigned,
      peak_rss_mb: Math.max(0, ...svc.peakRss.values()),
      ...peak,
      db_mb: round1(dbBytes / 1e6),
      ...phases,
      ...checks,
      needs_by_status: JSON.stringify(needs.byStatus),
      entitlements,
      medicine_needs_sent: arrived.needs.length + arrived.csvRows,
      passes_returned: arrived.passes.done,
      food_trips_driven: foodWalk.trips, food_stops: foodWalk.stops, food_handed_over: foodWalk.handedOver, food_gates_failed: foodWalk.gatesFailed, food_doors_failed: foodWalk.doorsFailed,
      // What the simulated drivers waited for, per kind of call (p50/p99 ms over the food round's walk).
      ...Object.fromEntries(Object.entries(foodWalk.ms).flatMap(([k, v]) => [[`walk_${k}_p50_ms`, v.length ? round1(percentile(v, 50)) : null], [`walk_${k}_p99_ms`, v.length ? round1(percentile(v, 99)) : null]])),
      medicine_orders: procured.orders, medicine_lines_unavailable: procured.unavailable,
      medicine_trips_driven: medicineWalk.trips, medicine_handed_over: medicineWalk.handedOver,
      request_errors: arrived.errors.length + foodWalk.errors.length + medicineWalk.errors.length,
      worker_killed_mid_solve: killedMidSolve,
      scale, households: size.households, corridors: size.corridors, vehicles: size.vehicles, sockets: sockets.reduce((n, g) => n + g.count, 0),
      clock_min_per_s: minutesPerSecond, solve_ms: solveMs, faults: faults ? 'on' : 'off',
      // Autovacuum's work done by the bench (vacuum.ts): tables vacuumed, analysed, and the time it took.
      vacuum_stand_in: vacuuming ? 'on' : 'off', vacuum_runs: vacuumed?.vacuums ?? 0, analyze_runs: vacuumed?.analyses ?? 0, vacuum_busy_s: vacuumed?.busyS ?? 0,
      load_avg_1m: round1(loadavg()[0]!),
    };
    const errorKinds = new Map<string, number>();
    for (const e of [...arrived.errors, ...foodWalk.errors, ...medicineWalk.errors]) errorKinds.set(e.slice(0, 160), (errorKinds.get(e.slice(0, 160)) ?? 0) + 1);
    for (const [e, n] of errorKinds) console.log(`  request error x${n}: ${e}`);
    for (const [what, at] of faultAt) console.log(`  fault: ${what} at +${round1((at - cycle0) / 1000)} s`);
    for (const [key, okAt] of waiting) console.log(`  live: no event on the chief's socket for ${key} (its 2xx at +${round1((okAt - cycle0) / 1000)} s)`);
    const slowest = [...live].sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => `${Math.round(s.ms)} ms at +${round1((s.at - cycle0) / 1000)} s`);
    console.log(`  live: slowest ${slowest.join(', ')} (food round proposed at +${round1(food.toProposalS)} s)`);
    console.table(Object.fromEntries(Object.entries(metrics).filter(([k]) => !k.startsWith('peak_rss_mb_'))));
    const broken = MUST_BE_ZERO.filter((k) => checks[k] !== 0);
    if (broken.length) throw new Error(`district-day checks failed: ${broken.map((k) => `${k}=${checks[k]}`).join(', ')}`);
    return metrics;
  } finally {
    await vacuuming?.stop();
    for (const g of sockets) g.close();
    await service?.stop();
    // The processes' own lines (the workers' merge steps, the API's warnings), for a look afterwards.
    if (service) console.log(`district-day: process logs in ${service.writeLogs(join(tmpdir(), 'district-day-logs'), tag)[0]} and beside it`);
    if (keep) console.log(`district-day: schema ${database.schema} kept`);
    else await dropSchema(database);
    await database.close();
  }
}
