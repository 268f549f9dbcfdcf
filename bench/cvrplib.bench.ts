/**
 * CVRPLIB benchmark: `npm run bench -- cvrplib [A B P CMT X XL XXL] [--scale 0.25] [--jobs 2] [--threads 2] [--seed 1] [--only NAME]`.
 * Budgets per instance (wall clock): A, B, P 2 s; CMT 10 s; X 20 s; XL 60 s; XXL 300 s (Leuven1,
 * Antwerp1, Ghent1) and 600 s (Brussels1, Flanders1); all times --scale. Instances and best-known
 * costs are read in place from ../shared/bench/instances (nothing is copied).
 * With --jobs 2 (default), two instances run at once in separate processes, one per core. XL and
 * XXL instances run one at a time on --threads worker threads (default: the machine's cores): XL
 * annealed in parts (solveInParts; --threads 1 runs them as the smaller sets, one search each), XXL
 * by decomposition by routes, with the process's peak RSS (its threads included) recorded.
 * Without set names every set runs, XXL included: about an hour at --scale 1.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadHighs } from '../src/planning/lp/highs.adapter';
import type { LpSolver } from '../src/planning/lp/lp.model';
import { availableParallelism } from 'node:os';
import { solveLarge } from '../src/planning/decompose/large.solve';
import { solveInParts } from '../src/planning/decompose/parts.solve';
import { threadRunner } from '../src/planning/parallel/thread-runner';
import { solve } from '../src/planning/solve';
import { validateSolution } from '../src/planning/validate/solution.validate';
import { parseVrp } from '../src/planning/vrplib/vrp.parser';
import { vrpToProblem } from '../src/planning/vrplib/cvrplib.problem';

const here = dirname(fileURLToPath(import.meta.url));
const instancesDir = resolve(here, '..', '..', 'shared', 'bench', 'instances');
const BUDGET_S: Record<string, number> = { A: 2, B: 2, P: 2, CMT: 10, X: 20, XL: 60, XXL: 300 };
/** XXL instances with a longer budget than their set's. */
const LONG_S: Record<string, number> = { Brussels1: 600, Flanders1: 600 };
const SETS = ['A', 'B', 'P', 'CMT', 'X', 'XL', 'XXL'];

interface Task { set: string; name: string; file: string; ms: number; seed: number; threads: number }
interface Outcome {
  set: string; name: string; cost: number; bks: number; gap: number; seconds: number; feasible: boolean; routes: number; iterations: number; pool: number; sp: string; note: string;
  peakMb: number;
}

async function runTask(t: Task, bks: number): Promise<Outcome> {
  const problem = vrpToProblem(parseVrp(readFileSync(t.file, 'utf8')));
  const now = (): number => performance.now();
  const started = now();
  let sol;
  let stats: Pick<Outcome, 'iterations' | 'pool' | 'sp'>;
  if (t.set === 'XXL') {
    const pool = threadRunner(t.threads);
    try {
      sol = await solveLarge(problem, { timeLimitMs: t.ms, now, seed: t.seed, threads: t.threads }, pool.run);
    } finally {
      await pool.close();
    }
    stats = { iterations: sol.stats.rounds, pool: sol.stats.groupsImproved, sp: `first cut ${sol.stats.startCost}` };
  } else if (inParts(t)) {
    const pool = threadRunner(t.threads);
    try {
      sol = await solveInParts(problem, { timeLimitMs: t.ms, now, seed: t.seed, threads: t.threads }, pool.run);
    } finally {
      await pool.close();
    }
    stats = { iterations: sol.stats.rounds, pool: sol.stats.partsImproved, sp: `opening ${Math.round(sol.stats.openingCost)}` };
  } else {
    const solver = await warmHighs();
    sol = solve(problem, { timeLimitMs: t.ms, now, seed: t.seed, setPartitioning: { solver } });
    stats = { iterations: sol.stats.iterations, pool: sol.stats.poolSize, sp: `${sol.stats.poolStatus} ${(sol.stats.poolMs / 1000).toFixed(2)} s` };
  }
  const seconds = (now() - started) / 1000;
  const check = validateSolution(problem, sol);
  const feasible = check.ok && sol.unserved.length === 0;
  return {
    set: t.set, name: t.name, cost: check.cost, bks, gap: ((check.cost - bks) / bks) * 100, seconds, feasible,
    routes: sol.routes.length, ...stats, note: check.violations.slice(0, 2).join('; '),
    // maxRSS counts the worker threads too (one process)
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** HiGHS's first solve in a process is slow (WASM start-up): pay it before the clock starts. */
async function warmHighs(): Promise<LpSolver> {
  const solver = await loadHighs();
  solver.solve({ sense: 'min', variables: [{ name: 'x', cost: 1, type: 'binary' }], constraints: [{ terms: [{ v: 0, coef: 1 }], op: '>=', rhs: 1 }] }, { timeLimitMs: 5000, now: () => performance.now() });
  return solver;
}

/** XL instances are planned in parts on every thread (solveInParts), one instance at a time, when there is more than one. */
function inParts(t: Task): boolean {
  return t.set === 'XL' && t.threads > 1;
}

function runInChild(t: Task, bks: number): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--cvrplib-child', JSON.stringify({ t, bks })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out) as Outcome) : fail(new Error(`${t.name}: child exited with ${code}`))));
  });
}

/** Best-known cost and set (bks.tsv column `set`: X-n411 and up are XL, not X) per instance. */
function readBks(): Map<string, { bks: number; set: string }> {
  const rows = readFileSync(join(instancesDir, 'bks.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((r) => { const c = r.split('\t'); return [c[0]!, { bks: Number(c[3]), set: c[5]! }]; }));
}

function parseArgs(args: string[]): { sets: string[]; scale: number; jobs: number; threads: number; seed: number; only?: RegExp } {
  const sets: string[] = [];
  let scale = 1, jobs = 2, seed = 1, threads = availableParallelism();
  let only: RegExp | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'cvrplib') continue;
    if (a === '--scale') scale = Number(args[++i]);
    else if (a === '--jobs') jobs = Number(args[++i]);
    else if (a === '--seed') seed = Number(args[++i]);
    else if (a === '--threads') threads = Number(args[++i]);
    else if (a === '--only') only = new RegExp(args[++i]!);
    else if (SETS.includes(a.toUpperCase())) sets.push(a.toUpperCase());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(scale > 0) || !(jobs >= 1) || !(threads >= 1)) throw new Error('--scale must be > 0, --jobs and --threads >= 1');
  return { sets: sets.length ? sets : SETS, scale, jobs, threads, seed, only };
}

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const { sets, scale, jobs, threads, seed, only } = parseArgs(args);
  const bks = readBks();
  const tasks: Task[] = [];
  for (const set of sets) {
    const names = [...bks.keys()].filter((n) => bks.get(n)!.set === set);
    for (const name of names) {
      if (only && !only.test(name)) continue;
      tasks.push({ set, name, file: join(instancesDir, set, `${name}.vrp`), ms: (LONG_S[name] ?? BUDGET_S[set]!) * 1000 * scale, seed, threads });
    }
  }
  const results: Outcome[] = [];
  const report = (o: Outcome): void => {
    results.push(o);
    console.log(`${o.name.padEnd(12)} cost ${o.cost.toFixed(o.set === 'CMT' ? 2 : 0).padStart(9)} bks ${String(o.bks).padStart(9)} gap ${o.gap.toFixed(2).padStart(6)}% ${o.seconds.toFixed(1).padStart(5)} s ${o.feasible ? 'feasible' : 'INFEASIBLE ' + o.note} routes ${o.routes} it ${o.iterations} pool ${o.pool} sp ${o.sp} peak ${o.peakMb} MB`);
  };
  // one search per instance, `jobs` instances at once; then the XL and XXL ones alone, each on every thread
  const alone = (t: Task): boolean => t.set === 'XXL' || inParts(t);
  const single = tasks.filter((t) => !alone(t));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < single.length) {
      const t = single[next++]!;
      report(jobs > 1 ? await runInChild(t, bks.get(t.name)!.bks) : await runTask(t, bks.get(t.name)!.bks));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, single.length) }, worker));
  for (const t of tasks.filter(alone)) report(await runInChild(t, bks.get(t.name)!.bks));
  const metrics: Record<string, number | string | null> = {};
  console.log('\nset    n  mean gap %  max gap %  mean s  infeasible');
  for (const set of sets) {
    const rs = results.filter((r) => r.set === set);
    if (!rs.length) continue;
    const mean = rs.reduce((s, r) => s + r.gap, 0) / rs.length;
    const max = Math.max(...rs.map((r) => r.gap));
    const secs = rs.reduce((s, r) => s + r.seconds, 0) / rs.length;
    const bad = rs.filter((r) => !r.feasible).length;
    console.log(`${set.padEnd(4)} ${String(rs.length).padStart(3)}  ${mean.toFixed(3).padStart(9)}  ${max.toFixed(3).padStart(9)}  ${secs.toFixed(2).padStart(6)}  ${bad}`);
    metrics[`gap_pct_${set}`] = Number(mean.toFixed(4));
    metrics[`seconds_${set}`] = Number(secs.toFixed(2));
  }
  for (const r of results.filter((x) => x.set === 'XXL')) {
    metrics[`gap_pct_${r.name}`] = Number(r.gap.toFixed(4));
    metrics[`seconds_${r.name}`] = Number(r.seconds.toFixed(1));
    metrics[`peak_mb_${r.name}`] = r.peakMb;
  }
  metrics.infeasible = results.filter((r) => !r.feasible).length;
  metrics.threads = threads;
  metrics.scale = scale;
  metrics.jobs = jobs;
  return metrics;
}

const childAt = process.argv.indexOf('--cvrplib-child');
if (childAt >= 0) {
  const { t, bks } = JSON.parse(process.argv[childAt + 1]!) as { t: Task; bks: number };
  process.stdout.write(JSON.stringify(await runTask(t, bks)));
}
