/**
 * Settling a round while another of its stops closes. A stop is closed without the round's lock
 * (the handover locks the stop), and each statement of the settle sees what has committed when it
 * starts. When the settle read the needs of closed stops before counting the open stops, a stop
 * closed between the two was counted (the round completed) but its needs were not read, and that
 * stop's own settle then found the round completed: its needs stayed out for delivery for good
 * (the district-day bench: 16-26 needs a run). Here the other stop is closed, and committed, right
 * after the settle's first read of round_stops, whichever that is.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { dropSchema, openDatabase, type Database } from '../../src/store/db';
import { settleRound } from '../../src/services/deliveries/round-delivery.service';
import { tripStops } from '../../src/store/event-tracking.repository';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { listSubproblems, moveNeeds } from '../../src/store/round.repository';
import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';

/** Runs once, after the settle's first read of the round's stops. */
const between = vi.hoisted(() => ({ hook: null as null | (() => Promise<void>) }));
vi.mock('../../src/store/delivery.repository', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/store/delivery.repository')>();
  const after = <A extends unknown[], R>(f: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const result = await f(...args);
    const hook = between.hook;
    between.hook = null;
    if (hook) await hook();
    return result;
  };
  return { ...real, stopCounts: after(real.stopCounts), needsOnClosedStops: after(real.needsOnClosedStops) };
});

let database: Database;
let closer: Database;

beforeAll(async () => {
  database = await openTestDatabase('round_settle_race');
  // A second pool: the stop closed "meanwhile" commits on its own connection, as another request's would.
  closer = await openDatabase({ url: DATABASE_URL, schema: database.schema, poolSize: 2 });
});
afterAll(async () => {
  await closer.close();
  await dropSchema(database);
  await database.close();
});

/** A small district's food round, planned, approved and dispatched; its stops in id order. */
async function dispatchedRound(): Promise<{ round: { id: string }; stops: string[] }> {
  const district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 4, householdsPerCorridor: 3, vehicles: 2 });
  const deps = { db: database.db, producers: { ready: () => true, addRoundFlow: async () => undefined }, defaultTimeLimitMs: 200 };
  const { round } = await startRound(deps, { areaId: district.districtId, kind: 'food', actor: 'd' });
  for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
  expect(await mergeRound(database.db, round.id)).toBe('stored');
  await approveRound(database.db, round.id, 'd');
  await dispatchRound(database.db, round.id, 'd');
  const stops = (await database.db.selectFrom('round_stops').select('id').where('round_id', '=', round.id).orderBy('id').execute()).map((s) => s.id);
  return { round, stops };
}

it('a stop closed while the round settles still gets its needs delivered', async () => {
  const { round, stops } = await dispatchedRound();
  expect(stops.length).toBeGreaterThan(1);
  const [last, ...others] = [stops.at(-1)!, ...stops.slice(0, -1)];

  // Every stop but the last delivered and settled: the round is in progress.
  await database.db.updateTable('round_stops').set({ status: 'delivered' }).where('id', 'in', others).execute();
  expect(await settleRound(database.db, round.id)).toMatchObject({ status: 'in_progress' });
  // The last stop is handed over while a settle (another stop's, or the reconciler's) is under way;
  // then the last stop's own settle runs, as the handover does.
  between.hook = async () => void (await closer.db.updateTable('round_stops').set({ status: 'delivered' }).where('id', '=', last).execute());
  await settleRound(database.db, round.id);
  expect(between.hook).toBeNull();
  await settleRound(database.db, round.id);

  const left = await sql<{ n: string }>`select count(*)::text as n from needs n join round_bags b on b.need_id = n.id
    where b.round_id = ${round.id} and n.status <> 'delivered'`.execute(database.db);
  expect(Number(left.rows[0]!.n)).toBe(0);
  expect((await database.db.selectFrom('rounds').select('status').where('id', '=', round.id).executeTakeFirstOrThrow()).status).toBe('completed');
});

it("a stop's own settle reads only its stop, and moves its needs even after another settle completed the round", async () => {
  const { round, stops } = await dispatchedRound();
  expect(stops.length).toBeGreaterThan(2);
  const [first, last] = [stops[0]!, stops.at(-1)!];
  const outOn = async (stopId: string) => Number((await sql<{ n: string }>`select count(*)::text as n from needs n join round_bags b on b.need_id = n.id
    where b.stop_id = ${stopId}::bigint and n.status = 'out_for_delivery'`.execute(database.db)).rows[0]!.n);
  expect(await outOn(last)).toBeGreaterThan(0);

  // Every stop closed; only the first one's settle runs: the round completes, the other stops' needs wait for their own.
  await database.db.updateTable('round_stops').set({ status: 'delivered' }).where('round_id', '=', round.id).execute();
  expect(await settleRound(database.db, round.id, first)).toMatchObject({ status: 'completed' });
  expect(await outOn(first)).toBe(0);
  expect(await outOn(last)).toBeGreaterThan(0);
  // The last stop's settle, late: the round stays completed and its needs are delivered.
  const late = await settleRound(database.db, round.id, last);
  expect(late).toMatchObject({ status: 'completed' });
  expect(late!.delivered).toBeGreaterThan(0);
  expect(await outOn(last)).toBe(0);
  // An unscoped settle of a completed round (the reconciler's) leaves it alone.
  expect(await settleRound(database.db, round.id)).toBeNull();
});

it("a stop's own settle that leaves the round in progress does not wait for the round's row lock", async () => {
  const { round, stops } = await dispatchedRound();
  expect(stops.length).toBeGreaterThan(2);
  const [first, second] = [stops[0]!, stops[1]!];
  const close = (stopId: string) => database.db.updateTable('round_stops').set({ status: 'delivered' }).where('id', '=', stopId).execute();
  await close(first);
  expect(await settleRound(database.db, round.id, first)).toMatchObject({ status: 'in_progress' });
  await close(second);

  // Another transaction holds the round's row meanwhile (a merge, a re-plan, the reconciler's settle).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: (pid: number) => void;
  const holderPid = new Promise<number>((resolve) => (locked = resolve));
  const holder = closer.db.transaction().execute(async (trx) => {
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
    await trx.selectFrom('rounds').select('id').where('id', '=', round.id).forUpdate().execute();
    locked(pid);
    await held;
  });
  const pid = await holderPid;
  const blockedByHolder = async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`.execute(closer.db)).rows[0]!.n) > 0;
  let settledFirst = false;
  const settled = settleRound(database.db, round.id, second).then((report) => {
    settledFirst = true;
    return report;
  });
  // Whichever comes first: the settle's answer, or the settle waiting on the holder's lock.
  let waited = false;
  while (!settledFirst && !waited) {
    waited = await blockedByHolder();
    if (!waited) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  release();
  await holder;
  const report = await settled;
  expect(waited).toBe(false);
  expect(report).toMatchObject({ status: 'in_progress' });
  expect(report!.delivered).toBeGreaterThan(0);
  const out = await sql<{ n: string }>`select count(*)::text as n from needs n join round_bags b on b.need_id = n.id
    where b.stop_id = ${second}::bigint and n.status = 'out_for_delivery'`.execute(database.db);
  expect(Number(out.rows[0]!.n)).toBe(0);
});

it("a trip's stops sit at their corridor, or at the mean of their bags' households where the corridor has no position", async () => {
  const { round } = await dispatchedRound();
  const trip = (await database.db.selectFrom('round_trips').select('id').where('round_id', '=', round.id).orderBy('id').executeTakeFirstOrThrow()).id;
  const expected = await sql<{ id: string; lat: number; lon: number; bags: string; households: string[] }>`
    select s.id::text as id, avg(h.lat) as lat, avg(h.lon) as lon, count(*)::text as bags, array_agg(distinct h.id::text order by h.id::text) as households
    from round_stops s join round_bags b on b.stop_id = s.id join needs n on n.id = b.need_id join households h on h.id = n.household_id
    where s.round_id = ${round.id} and s.trip_id = ${trip} group by s.id, s.seq order by s.seq`.execute(database.db);
  expect(expected.rows.length).toBeGreaterThan(0);
  const stops = await tripStops(database.db, round.id, trip);
  expect(stops.map((s) => s.stopId)).toEqual(expected.rows.map((r) => r.id));
  for (const [i, s] of stops.entries()) {
    const e = expected.rows[i]!;
    expect(s).toMatchObject({ bagCount: Number(e.bags), householdIds: e.households });
    expect(s.lat).toBeCloseTo(Number(e.lat), 9);
    expect(s.lon).toBeCloseTo(Number(e.lon), 9);
  }
  // The first stop's corridor gets a position: the stop is there.
  const first = stops[0]!;
  await database.db.updateTable('areas').set({ lat: 31.5, lon: 121.5 }).where('id', '=', first.corridorId).execute();
  expect((await tripStops(database.db, round.id, trip))[0]).toMatchObject({ stopId: first.stopId, lat: 31.5, lon: 121.5 });
});

it('two moves of overlapping needs lock them in the same order, whatever plan each update gets', async () => {
  // A district's worth of accepted needs, its statistics known: moving them all is a sequential scan,
  // in the table's order (or from wherever another scan of a large table is: synchronized scans);
  // a few go through the index, here in id order (without bitmaps: the planner's other choice).
  const district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 20, householdsPerCorridor: 100, vehicles: 1 });
  await sql`analyze needs`.execute(database.db);
  // Needs y, w, x in the table's order with x's id below y's: the scan meets y first, the index x.
  const heap = (await sql<{ id: string }>`select id::text as id from needs where id = any(${district.needIds}::uuid[]) order by ctid`.execute(database.db)).rows.map((r) => r.id);
  const y = heap[0]!;
  const x = heap.findLast((id) => id < y)!;
  const w = heap[heap.indexOf(x) - 1]!;
  expect(heap.indexOf(x)).toBeGreaterThan(1);

  const pidOf = async (db: typeof closer.db) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
  const waitsOn = async (pid: number) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`.execute(database.db)).rows[0]!.n) > 0;
  const until = async (cond: () => Promise<boolean>) => {
    while (!(await cond())) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const gate = <T>() => {
    let open!: (v: T) => void;
    return { opened: new Promise<T>((resolve) => (open = resolve)), open };
  };

  // w is held by another transaction; the whole district's move (the reconciler's settle) starts
  // and waits at w; then a stop's move of x and y (its handover's settle).
  const release = gate<void>();
  const holding = gate<number>();
  const holder = closer.db.transaction().execute(async (trx) => {
    await sql`select id from needs where id = ${w}::uuid for update`.execute(trx);
    holding.open(await pidOf(trx));
    await release.opened;
  });
  const holderPid = await holding.opened;
  const wholeStarted = gate<number>();
  const whole = database.db.transaction().execute(async (trx) => {
    wholeStarted.open(await pidOf(trx));
    return moveNeeds(trx, district.needIds, 'accepted', 'planned', 'test', 'whole round');
  });
  const wholePid = await wholeStarted.opened;
  await until(() => waitsOn(holderPid));
  let stopDone = false;
  const stop = closer.db.transaction().execute(async (trx) => {
    await sql`set local enable_bitmapscan = off`.execute(trx);
    return moveNeeds(trx, [x, y], 'accepted', 'planned', 'test', 'one stop');
  }).finally(() => (stopDone = true));
  await until(async () => stopDone || (await waitsOn(wholePid)));
  release.open();
  await holder;

  // Before the rows were locked in id order, the whole move held y and waited for x, which the stop's
  // held while it waited for y: one of them was chosen as a deadlock's victim and failed.
  const [wholeMoved, stopMoved] = await Promise.all([whole, stop]);
  expect([...wholeMoved, ...stopMoved].sort()).toEqual([...district.needIds].sort());
  const history = await sql<{ n: number }>`select count(*)::int as n from need_status_history where need_id = any(${district.needIds}::uuid[]) and to_status = 'planned'`.execute(database.db);
  expect(history.rows[0]!.n).toBe(district.needIds.length);
});
