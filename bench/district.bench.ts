/**
 * Sealed-district benchmark: `npm run bench -- district [--sizes 1000,5000,10000] [--threads 2] [--scale 1] [--seed 1] [--method routes|communities]`.
 * Generates a district (deterministic seed) and plans it within the target time (times --scale):
 * - `routes` (default): solveLarge, a first cut by communities, then decomposition by routes
 *   (groups of nearby routes re-optimised from their own routes, re-cut every round) on
 *   --threads worker threads, until the target less a safety margin;
 * - `communities` (the method before issue #20, kept for A/B): cuts it into sub-problems, solves them
 *   on worker threads (this same file, loaded with tsx, is the worker), merges, repairs the borders;
 *   budget per sub-problem = target x threads x 0.7 / sub-problems.
 * Either way the whole plan is validated.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { solve } from '../src/planning/solve';
import type { Problem, Solution } from '../src/planning/model/problem.types';
import { decomposeDistrict, DEFAULT_MAX_STOPS, mergeAndRepair, type DistrictProblem, type SubProblem } from '../src/planning/decompose';
import { generateDistrict } from '../src/planning/decompose/district.generate';
import { solveLarge } from '../src/planning/decompose/large.solve';
import { threadRunner } from '../src/planning/parallel/thread-runner';
import { validateSolution } from '../src/planning/validate/solution.validate';
import { numberOption, textOption } from './options';

interface Job { id: number; problem: Problem; ms: number; seed: number }
interface Done { id: number; solution: Solution; seconds: number }

if (!isMainThread && (workerData as { district?: boolean } | null)?.district) {
  parentPort!.on('message', (job: Job) => {
    const t = performance.now();
    const { stats: _stats, ...solution } = solve(job.problem, { seed: job.seed, timeLimitMs: job.ms, now: () => performance.now() });
    parentPort!.postMessage({ id: job.id, solution, seconds: (performance.now() - t) / 1000 } satisfies Done);
  });
}

// Node 20 loads a worker's entry before `--import tsx` hooks apply to it: register tsx first, then import this file.
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); })`;

// 1,000 stops has no stated target: a quarter of the 10,000 one. 2,000 in 11 s: VROOM's fastest level (issue #20).
const TARGET_S: Record<number, number> = { 1000: 30, 2000: 11, 5000: 60, 10000: 120 };
/** Kept free of the target for starting threads, the final validation and a busy machine. */
const MARGIN_S = 1;
const FLEET: Record<number, number> = { 1000: 50, 5000: 250, 10000: 500 };

/** Solves the sub-problems on `threads` workers, biggest first; resolves in sub-problem order. */
async function solveParallel(subs: SubProblem[], threads: number, ms: number, seed: number): Promise<Done[]> {
  const workers = Array.from({ length: threads }, () => new Worker(BOOT, { eval: true, workerData: { district: true } }));
  const queue = subs.map((_, i) => i).sort((a, b) => subs[b]!.stops.length - subs[a]!.stops.length);
  const done: Done[] = new Array<Done>(subs.length);
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      const next = (): void => {
        const id = queue.shift();
        if (id === undefined) return resolve();
        w.postMessage({ id, problem: subs[id]!.problem, ms, seed: seed + id } satisfies Job);
      };
      w.on('message', (d: Done) => { done[d.id] = d; next(); });
      w.on('error', reject);
      next();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return done;
}

interface Planned { solution: Solution; cost: number; ok: boolean; violations: string[]; firstCost: number; detail: string; metrics: Record<string, number> }

/** Today's method: decomposition by routes after a first cut by communities (solveLarge). */
async function byRoutes(district: DistrictProblem, threads: number, ms: number, seed: number): Promise<Planned> {
  const pool = threadRunner(threads);
  try {
    const now = (): number => performance.now();
    const plan = await solveLarge(district.problem, { timeLimitMs: ms, now, seed, threads, groups: district.group, pieceStops: DEFAULT_MAX_STOPS }, pool.run);
    const check = validateSolution(district.problem, plan);
    return {
      solution: plan, cost: check.cost, ok: check.ok, violations: check.violations, firstCost: plan.stats.startCost,
      detail: `rounds ${plan.stats.rounds}, groups improved ${plan.stats.groupsImproved}`, metrics: {},
    };
  } finally {
    await pool.close();
  }
}

/** The method before issue #20: sub-problems by community solved once, merged, borders repaired. */
async function byCommunities(district: DistrictProblem, threads: number, targetMs: number, seed: number): Promise<Planned> {
  const subs = decomposeDistrict(district);
  const ms = Math.max(200, (targetMs * threads * 0.7) / subs.length);
  const parts = await solveParallel(subs, threads, ms, seed);
  const plan = mergeAndRepair(district.problem, parts.map((p, i) => ({ sub: subs[i]!, solution: p.solution })));
  return {
    solution: plan.solution, cost: plan.validation.cost, ok: plan.validation.ok, violations: plan.validation.violations, firstCost: plan.mergedCost,
    detail: `${subs.length} subs of ${(ms / 1000).toFixed(2)} s, dissolved/relocated/rescued ${plan.repair.dissolved}/${plan.repair.relocated}/${plan.repair.rescued}`,
    metrics: { repair_saved_pct: round((100 * (plan.mergedCost - plan.validation.cost)) / plan.mergedCost) },
  };
}

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const sizes = textOption(args, 'sizes', '1000,5000,10000').split(',').map(Number);
  const threads = numberOption(args, 'threads', 2);
  const scale = numberOption(args, 'scale', 1);
  const seed = numberOption(args, 'seed', 1);
  const method = textOption(args, 'method', 'routes');
  if (method !== 'routes' && method !== 'communities') throw new Error(`--method is routes or communities, got ${method}`);
  const metrics: Record<string, number | string | null> = { method };
  let infeasible = 0;
  const rows: string[] = [];
  for (const size of sizes) {
    let peak = process.memoryUsage.rss();
    // RSS is per process: the worker threads' heaps are in it too.
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
    const t0 = performance.now();
    const district = generateDistrict({ stops: size, vehicles: FLEET[size] ?? Math.round(size / 20), seed });
    const targetMs = (TARGET_S[size] ?? size / 80) * scale * 1000;
    const plan = method === 'routes'
      ? await byRoutes(district, threads, targetMs - MARGIN_S * 1000 - (performance.now() - t0), seed)
      : await byCommunities(district, threads, targetMs, seed);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    if (!plan.ok) infeasible++;
    metrics[`seconds_${size}`] = round(seconds);
    metrics[`peak_mb_${size}`] = Math.round(peak / 2 ** 20);
    metrics[`unserved_${size}`] = plan.solution.unserved.length;
    metrics[`cost_${size}`] = round(plan.cost);
    for (const [k, v] of Object.entries(plan.metrics)) metrics[`${k}_${size}`] = v;
    rows.push([size, method, round(seconds), Math.round(peak / 2 ** 20), plan.solution.routes.length, plan.solution.unserved.length,
      round(plan.firstCost), round(plan.cost), plan.ok ? 'yes' : plan.violations.slice(0, 2).join('; '), plan.detail].join('\t'));
    console.log(rows[rows.length - 1]);
  }
  metrics.infeasible = infeasible;
  metrics.threads = threads;
  console.log(['stops', 'method', 'total_s', 'peak_mb', 'routes', 'unserved', 'first_cost', 'cost', 'feasible', 'detail'].join('\t'));
  for (const r of rows) console.log(r);
  return metrics;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
