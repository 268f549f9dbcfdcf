/**
 * Sealed-district benchmark: `npm run bench -- district [--sizes 1000,5000,10000] [--threads 2] [--scale 1] [--seed 1]`.
 * Generates a district (deterministic seed), cuts it into sub-problems, solves them on worker
 * threads (this same file, loaded with tsx, is the worker), merges, repairs the borders and
 * validates the whole plan. Budget per sub-problem = target x threads x 0.7 / sub-problems, so the
 * wall clock lands under the target with room for generation, merge, repair and validation.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { solve } from '../src/planning/solve';
import type { Problem, Solution } from '../src/planning/model/problem.types';
import { decomposeDistrict, mergeAndRepair, type SubProblem } from '../src/planning/decompose';
import { generateDistrict } from '../src/planning/decompose/district.generate';
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

// 1,000 stops has no stated target: a quarter of the 10,000 one.
const TARGET_S: Record<number, number> = { 1000: 30, 5000: 60, 10000: 120 };
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

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const sizes = textOption(args, 'sizes', '1000,5000,10000').split(',').map(Number);
  const threads = numberOption(args, 'threads', 2);
  const scale = numberOption(args, 'scale', 1);
  const seed = numberOption(args, 'seed', 1);
  const metrics: Record<string, number | string | null> = {};
  let infeasible = 0;
  const rows: string[] = [];
  for (const size of sizes) {
    let peak = process.memoryUsage.rss();
    // RSS is per process: the worker threads' heaps are in it too.
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
    const t0 = performance.now();
    const district = generateDistrict({ stops: size, vehicles: FLEET[size] ?? Math.round(size / 20), seed });
    const subs = decomposeDistrict(district);
    const target = (TARGET_S[size] ?? size / 80) * scale;
    const ms = Math.max(200, (target * 1000 * threads * 0.7) / subs.length);
    const parts = await solveParallel(subs, threads, ms, seed);
    const tSolved = performance.now();
    const plan = mergeAndRepair(district.problem, parts.map((p, i) => ({ sub: subs[i]!, solution: p.solution })));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    if (!plan.validation.ok) infeasible++;
    const routes = plan.solution.routes.length;
    metrics[`seconds_${size}`] = round(seconds);
    metrics[`peak_mb_${size}`] = Math.round(peak / 2 ** 20);
    metrics[`unserved_${size}`] = plan.solution.unserved.length;
    metrics[`cost_${size}`] = round(plan.validation.cost);
    metrics[`repair_saved_pct_${size}`] = round((100 * (plan.mergedCost - plan.validation.cost)) / plan.mergedCost);
    rows.push([size, subs.length, (ms / 1000).toFixed(2), round(seconds), round((tSolved - t0) / 1000), Math.round(peak / 2 ** 20), routes,
      plan.solution.unserved.length, round(plan.mergedCost), round(plan.validation.cost),
      `${plan.repair.dissolved}/${plan.repair.relocated}/${plan.repair.rescued}`, plan.validation.ok ? 'yes' : plan.validation.violations.slice(0, 2).join('; ')].join('\t'));
    console.log(rows[rows.length - 1]);
  }
  metrics.infeasible = infeasible;
  console.log(['stops', 'subs', 'budget_s', 'total_s', 'solved_at_s', 'peak_mb', 'routes', 'unserved', 'merged_cost', 'cost', 'dissolved/relocated/rescued', 'feasible'].join('\t'));
  for (const r of rows) console.log(r);
  return metrics;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
