/**
 * Planning rounds on the real queue: round time for 1,000 / 5,000 / 10,000 stops with one and with
 * two worker processes, and urgent-insertion latency through the whole pipeline (need + outbox row
 * committed > relay > queue > worker > stop in the dispatched plan).
 *
 *   npm run bench -- rounds [--sizes 1000,5000] [--budget-ms 2000] [--urgent 40] [--workers 1,2] [--sp on|off] [--short canned-pork] [--short-pct 20]
 *
 * Set partitioning at the merge (`--sp`, MERGE_SET_PARTITIONING): each round records the validator cost
 * of the merged plan (what would be stored without it: `cost_N_no_sp`) and of the stored plan
 * (`cost_N_sp`), and the time it took (`sp_ms_N`, and its share of the round, `sp_share_pct_N`).
 *
 * Allocation before routing: every household asks the demo's food package, and its depot has every
 * component but one (`--short`, a required one without substitute) in full; that one is `--short-pct` %
 * short. Per round: the allocation step's time (`allocation_ms_N_Kw`, from reading the needs to storing
 * the outcome; `allocation_lp_ms_N_Kw` the LP alone) and its share of the round (`allocation_share_pct_N_Kw`,
 * the largest of them as `allocation_share_pct`), needs served and left waiting for stock.
 *
 * A stop is a corridor drop point (2 households each); one sub-problem per community of 500 stops,
 * each solved with the same time budget, so the second worker process should halve the round time
 * when two cores are free.
 */
import { sql } from 'kysely';
import { createProducers } from '../src/queue/producers';
import { approveRound, dispatchRound, startRound } from '../src/services/rounds/round.service';
import { dropSchema, type Database } from '../src/store/db';
import { getRound } from '../src/store/round.repository';
import { REDIS_URL, dropPrefix, spawnWorkers, uniquePrefix, until, type WorkerProcess } from '../tests/integration/queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from '../tests/integration/round.fixtures';
import { numberOption, percentile, textOption } from './options';
import { defineFoodPackage, stockDistrict } from './rounds-stock.seed';

const STOPS_PER_COMMUNITY = 500;

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const sizes = textOption(args, 'sizes', '1000,5000,10000').split(',').map(Number);
  const budgetMs = numberOption(args, 'budget-ms', 2000);
  const urgentCount = numberOption(args, 'urgent', 40);
  const workerCounts = textOption(args, 'workers', '1,2').split(',').map(Number);
  const sp = textOption(args, 'sp', 'on');
  const short = textOption(args, 'short', 'canned-pork');
  const shortPct = numberOption(args, 'short-pct', 20);
  const prefix = uniquePrefix('bench-rounds');
  const database = await openTestDatabase('bench_rounds');
  const producers = createProducers({ redisUrl: REDIS_URL, prefix });
  await until(() => producers.ready(), 5000);
  const metrics: Record<string, number | string | null> = { budget_ms_per_subproblem: budgetMs, stops_per_subproblem: STOPS_PER_COMMUNITY, short_item: short, short_pct: shortPct };
  await defineFoodPackage(database.db);
  const rows: string[] = [];
  let seed = 100;

  const seedSize = async (stops: number): Promise<District> => {
    // Only this district's fleet is active: prepareRound hands every active vehicle to the round.
    await database.db.updateTable('vehicles').set({ active: false }).execute();
    const d = await seedDistrict(database, {
      communities: Math.max(1, Math.round(stops / STOPS_PER_COMMUNITY)), corridorsPerCommunity: Math.min(stops, STOPS_PER_COMMUNITY),
      householdsPerCorridor: 2, vehicles: Math.ceil(stops / 15), capacityBags: 60,
    }, seed++);
    await stockDistrict(database.db, d, short, shortPct);
    return d;
  };
  const roundOf = async (d: District): Promise<{ id: string; seconds: number; unserved: number; trips: number; note: SpNote | null; alloc: AllocationFigures }> => {
    const t0 = performance.now();
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: budgetMs }, { areaId: d.districtId, kind: 'food', actor: 'bench' });
    // Claim, allocation, decomposition and the needs' items stored: the allocation's time is part of it.
    const prepareMs = Math.round(performance.now() - t0);
    await until(async () => {
      const status = (await getRound(database.db, round.id))?.status;
      if (status === 'failed') throw new Error(`round ${round.id} failed`);
      return status === 'proposed';
    }, 30 * 60_000, 100);
    if (process.env.BENCH_DEBUG) {
      const subs = await sql<{ id: string; at: string }>`select id, extract(epoch from (solved_at - (select created_at from rounds where id = ${round.id}))) as at from round_subproblems where round_id = ${round.id} order by id`.execute(database.db);
      console.log('solved at (s after start):', subs.rows.map((r) => `${r.id}=${Number(r.at).toFixed(2)}`).join(' '));
    }
    const seconds = (performance.now() - t0) / 1000;
    const counts = await sql<{ unserved: string; trips: string }>`select (select count(*) from round_unserved where round_id = ${round.id}) as unserved,
      (select count(*) from round_trips where round_id = ${round.id}) as trips`.execute(database.db);
    const note = (await sql<{ merge_note: SpNote | null }>`select merge_note from rounds where id = ${round.id}`.execute(database.db)).rows[0]?.merge_note ?? null;
    return { id: round.id, seconds, unserved: Number(counts.rows[0]!.unserved), trips: Number(counts.rows[0]!.trips), note, alloc: { ...(await allocationFigures(database, round.id)), prepareMs } };
  };

  const workers: WorkerProcess[] = [];
  try {
    for (const count of workerCounts) {
      for (let i = 0; i < count; i++) {
        workers.push(spawnWorkers({
          DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix,
          RECONCILE_EVERY_MS: '0', OUTBOX_POLL_MS: '20', MERGE_SET_PARTITIONING: sp,
        }));
      }
      for (const w of workers) await w.waitForLog(/workers started/, 60_000);
      // Warm-up: forks each process' sandboxed solver once, so start-up is not counted below.
      await roundOf(await seedSize(STOPS_PER_COMMUNITY * count));
      let urgentDistrict: { district: District; roundId: string } | undefined;
      for (const size of sizes) {
        const d = await seedSize(size);
        const { id, seconds, unserved, trips, note, alloc } = await roundOf(d);
        metrics[`round_s_${size}_${count}w`] = Number(seconds.toFixed(2));
        metrics[`unserved_needs_${size}_${count}w`] = unserved;
        const share = Number(((100 * alloc.stepMs) / 1000 / seconds).toFixed(2));
        metrics[`allocation_ms_${size}_${count}w`] = alloc.stepMs;
        metrics[`allocation_lp_ms_${size}_${count}w`] = alloc.lpMs;
        metrics[`prepare_ms_${size}_${count}w`] = alloc.prepareMs ?? null;
        metrics[`allocation_share_pct_${size}_${count}w`] = share;
        metrics.allocation_share_pct = Math.max(share, typeof metrics.allocation_share_pct === 'number' ? metrics.allocation_share_pct : 0);
        metrics[`needs_served_${size}_${count}w`] = alloc.served;
        metrics[`needs_stock_short_${size}_${count}w`] = alloc.stockShort;
        const allocText = `  allocation ${alloc.stepMs} ms (${share}%, LP ${alloc.lpMs} ms, ${alloc.method}; whole preparation ${alloc.prepareMs} ms): ${alloc.served} needs served, ${alloc.stockShort} wait for ${short}`;
        let spText = '';
        if (note && note.status !== 'off') {
          // Same sub-problem results, merged with and without set partitioning: a paired comparison.
          const w = `${size}${count > 1 ? `_${count}w` : ''}`;
          metrics[`cost_${w}_no_sp`] = Math.round(note.mergedCost);
          metrics[`cost_${w}_sp`] = Math.round(note.cost);
          metrics[`sp_gain_pct_${w}`] = Number((100 * (1 - note.cost / note.mergedCost)).toFixed(3));
          metrics[`sp_ms_${w}`] = Math.round(note.elapsedMs);
          metrics[`sp_share_pct_${w}`] = Number(((100 * note.elapsedMs) / 1000 / seconds).toFixed(2));
          metrics[`sp_status_${w}`] = note.status;
          spText = `  sp ${note.status}: ${Math.round(note.mergedCost)} > ${Math.round(note.cost)} m (-${metrics[`sp_gain_pct_${w}`]}%) in ${Math.round(note.elapsedMs)} ms, ${note.stats.usable} pool routes, ${note.stats.improved}/${note.stats.components} parts improved, ${note.stats.timedOut} out of time`;
        }
        rows.push(`${String(size).padStart(6)} stops  ${count} worker${count > 1 ? 's' : ' '}  ${seconds.toFixed(1).padStart(6)} s  ${String(trips).padStart(4)} trips  ${unserved} of ${d.needIds.length} needs unserved${allocText}${spText}`);
        if (!urgentDistrict) urgentDistrict = { district: d, roundId: id };
      }
      if (count === 2 && urgentDistrict && urgentCount > 0) {
        const latencies = await urgentLatencies(database, urgentDistrict.district, urgentDistrict.roundId, urgentCount);
        metrics.urgent_p50_ms = Math.round(percentile(latencies, 50));
        metrics.urgent_p99_ms = Math.round(percentile(latencies, 99));
        metrics.urgent_samples = latencies.length;
      }
      for (const w of workers.splice(0)) {
        w.proc.kill('SIGTERM');
        await w.exited;
      }
    }
    for (const size of sizes) {
      const one = metrics[`round_s_${size}_1w`];
      const two = metrics[`round_s_${size}_2w`];
      if (typeof one === 'number' && typeof two === 'number') metrics[`speedup_${size}`] = Number((one / two).toFixed(2));
    }
    if (typeof metrics.round_s_5000_1w !== 'number') metrics.round_s_5000_1w = null;
    if (typeof metrics.round_s_5000_2w !== 'number') metrics.round_s_5000_2w = null;
    if (typeof metrics.cost_5000_sp !== 'number') metrics.cost_5000_sp = null;
    if (typeof metrics.cost_5000_no_sp !== 'number') metrics.cost_5000_no_sp = null;
    if (typeof metrics.allocation_share_pct !== 'number') metrics.allocation_share_pct = null;
    console.log(`\nround time (budget ${budgetMs} ms per sub-problem of ${STOPS_PER_COMMUNITY} stops)\n${rows.join('\n')}`);
    for (const size of sizes) console.log(`speed-up from the second worker at ${size} stops: x${metrics[`speedup_${size}`] ?? '?'}`);
    console.log(`urgent insertion, need committed > stop in the dispatched plan: p50 ${metrics.urgent_p50_ms} ms, p99 ${metrics.urgent_p99_ms} ms (${metrics.urgent_samples} needs)`);
    return metrics;
  } finally {
    for (const w of workers) w.proc.kill('SIGKILL');
    await producers.close();
    await dropPrefix(REDIS_URL, prefix);
    await dropSchema(database);
    await database.close();
  }
}

/** rounds.merge_note (planning/adapters/round-merge.ts SetPartitioningNote), the fields read here. */
interface SpNote {
  status: string;
  mergedCost: number;
  cost: number;
  elapsedMs: number;
  stats: { usable: number; components: number; improved: number; timedOut: number };
}

interface AllocationFigures { stepMs: number; lpMs: number; method: string; served: number; stockShort: number; prepareMs?: number }

/** rounds.allocation (round-allocation.service RoundAllocationSummary) and the needs on the stored plan. */
async function allocationFigures(database: Database, roundId: string): Promise<AllocationFigures> {
  const r = (await sql<{ a: { stepMs?: number; elapsedMs: number; method: string } | null; served: string; short: string }>`
    select allocation as a, (select count(distinct need_id) from round_bags where round_id = ${roundId}) as served,
      (select count(*) from round_unserved where round_id = ${roundId} and reason = 'stock-short') as short
    from rounds where id = ${roundId}`.execute(database.db)).rows[0]!;
  return { stepMs: r.a?.stepMs ?? NaN, lpMs: r.a?.elapsedMs ?? NaN, method: r.a?.method ?? 'none', served: Number(r.served), stockShort: Number(r.short) };
}

/** Emergency needs committed the way intake does (need + outbox rows in one transaction), one at a time. */
async function urgentLatencies(database: Database, d: District, roundId: string, count: number): Promise<number[]> {
  await approveRound(database.db, roundId, 'bench');
  await dispatchRound(database.db, roundId, 'bench');
  // A full van may come back for an urgent trip of its own (as the demo's vans load three times a
  // shift): urgent insertion never gives a van more trips than it may make, and waits below for each.
  await database.db.updateTable('vehicles').set({ max_trips: 2 }).where('id', 'in', d.vehicleIds).execute();
  const households = await database.db.selectFrom('households').select(['id', 'corridor_id', 'community_id'])
    .where('community_id', 'in', d.communityIds).orderBy('id').limit(count).execute();
  const out: number[] = [];
  for (const [i, h] of households.entries()) {
    const t0 = performance.now();
    const needId = await database.db.transaction().execute(async (trx) => {
      const need = await trx.insertInto('needs').values({
        household_id: h.id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'medicine', identity_key: `bench-${i}`,
        details: JSON.stringify({ drug: 'bench', strength: '1', quantity: 1, urgency: 'emergency' }), status: 'accepted', urgency: 'emergency',
        cycle: null, failure_reason: null, created_by: 'bench',
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('outbox').values([
        { topic: 'need.accepted', payload: JSON.stringify({ needId: need.id }) },
        { topic: 'need.urgent', payload: JSON.stringify({ needId: need.id }) },
      ]).execute();
      return need.id;
    });
    await until(async () => {
      const res = await sql<{ n: string }>`select count(*) as n from round_bags where round_id = ${roundId} and need_id = ${needId}`.execute(database.db);
      return Number(res.rows[0]!.n) > 0;
    }, 30_000, 5);
    out.push(performance.now() - t0);
  }
  return out;
}
