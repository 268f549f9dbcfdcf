import { compile, unservableReason, type Instance } from './model/instance';
import type { PlannedRoute, Problem, Solution, Unserved } from './model/problem.types';
import { improveFromPool } from './routing/pool-selection';
import { validateSolution } from './validate/solution.validate';
import { nearestStops } from './routing/neighbours';
import { recreate, insertionKeys, sortAbsent } from './routing/recreate';
import { mulberry32 } from './routing/rng';
import { RoutePool } from './routing/route-pool';
import { sisr } from './routing/sisr';
import { sequenceCost } from './routing/route';
import { cloneSolution, commitRoute, emptySolution, makePenalties, objective, type Penalties, type RoutingSolution } from './routing/solution-state';
import { localSearch } from './routing/local-search';
import { savingsConstruction } from './routing/savings.construction';
import { granularInsertion } from './routing/insertion.construction';
import type { Rng } from './routing/rng';
import { DEFAULT_RUIN } from './routing/ruin';
import { assignTrips } from './routing/trips.assign';
import { solveCollection } from './collect/collect.solve';
import type { SolveOptions, SolveResult } from './solve.types';

export type { SolveOptions, SolveResult, SolveStats, SolvedPoolRoute } from './solve.types';

/** Plans routes for a problem (or a sub-problem: it is just a smaller Problem). */
export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  if (problem.sites) return solveCollection(problem, options, solve);
  if (problem.vehicles.some((v) => (v.maxTrips ?? 1) > 1 || v.pauses?.length)) return solveMultiTrip(problem, options);
  const inst = compile(problem);
  const rng = mulberry32(options.seed ?? 1);
  let ticks = 0;
  const now = options.now ?? (() => ticks++);
  const budget = options.now ? (options.timeLimitMs ?? 1000) : (options.maxIterations ?? 20_000);
  const began = now();
  const spShare = options.setPartitioning ? (options.setPartitioning.share ?? 0.05) : 0;
  const deadline = began + budget * (1 - spShare);
  const unserved: Unserved[] = [];
  const candidates: number[] = [];
  for (let c = inst.nDepots; c < inst.n; c++) {
    const reason = unservableReason(inst, c);
    if (reason) unserved.push({ stop: c - inst.nDepots, reason });
    else candidates.push(c);
  }
  const penalties = makePenalties(inst);
  const adj = nearestStops(inst, Math.max(options.neighbours ?? 40, 100));
  const k = options.neighbours ?? 40;
  const hardDeadline = began + budget;
  const polish = (s: RoutingSolution): RoutingSolution => {
    const own = cloneSolution(s);
    localSearch(inst, own, { rng, neighbours: adj, k, stop: () => now() >= hardDeadline });
    return own;
  };
  // Polishing every new best is worth it late in a run, but early on new bests come every few
  // iterations: cap the time spent polishing at a tenth of the time elapsed.
  let polishing = 0;
  const polishBest = (s: RoutingSolution): RoutingSolution => {
    const t = now();
    if (polishing > 0.1 * (t - began)) return s;
    const out = polish(s);
    polishing += now() - t;
    return out;
  };
  const tune = options.tuning ?? {};
  const start = options.initial
    ? warmStart(inst, candidates, options.initial, rng, polish)
    : initialSolution(inst, candidates, adj, rng, penalties, polish, tune);
  const pool = new RoutePool(inst);
  // Independent annealing runs from the same start share the pool (set partitioning recombines their
  // routes). A small problem settles in a fraction of the budget and a fresh run explores again; from
  // SINGLE_RUN_FROM stops one long annealing beats three short ones.
  const runs = Math.max(1, tune.runs ?? (inst.nStops < SINGLE_RUN_FROM ? 3 : 1));
  let found = { best: start, iterations: 0 };
  for (let run = 0; run < runs; run++) {
    const runDeadline = began + (deadline - began) * ((run + 1) / runs);
    const r = sisr(inst, start, {
      deadline: runDeadline, now, rng, adj, penalties, pool, onBest: options.polishBest === false ? undefined : polishBest,
      t0: tune.t0, tf: tune.tf, softAbsent: tune.softAbsent, near: tune.near, blink: tune.blink, repairShare: tune.repairShare, ruin: { ...DEFAULT_RUIN, ...tune.ruin },
    });
    const better = objective(inst, r.best, penalties) < objective(inst, found.best, penalties);
    found = { best: better ? r.best : found.best, iterations: found.iterations + r.iterations };
  }
  const iterations = found.iterations;
  let best = polish(found.best);
  let poolStatus = 'not-run';
  let poolMs = 0;
  if (options.setPartitioning) {
    const spStart = now();
    // LP solvers overrun their own limits (model reading is not counted): keep a margin and size the model to the time
    const spMs = Math.max(1, 0.7 * (began + budget - now()));
    const sp = improveFromPool(inst, best, pool, { solver: options.setPartitioning.solver, now, timeLimitMs: spMs, maxRoutes: Math.max(50, Math.round(spMs * 2)) });
    poolStatus = sp ? 'improved' : 'kept';
    if (sp) best = polish(sp);
    poolMs = now() - spStart;
  }
  for (const c of best.absent) unserved.push({ stop: c - inst.nDepots, reason: 'fleet-exhausted' });
  unserved.sort((a, b) => a.stop - b.stop);
  const solution = toSolution(inst, best, unserved);
  // The independent checker guards against a search bug ever reaching a dispatcher.
  const check = validateSolution(problem, solution);
  if (!check.ok) throw new Error(`routing produced an infeasible plan: ${check.violations.slice(0, 3).join('; ')}`);
  const stats = { iterations, poolSize: pool.size, poolStatus, poolMs };
  if (!options.keepPool) return { ...solution, stats };
  const firstOf = new Map<number, number>();
  inst.vehicles.forEach((v, i) => firstOf.has(v.klass) || firstOf.set(v.klass, i));
  const kept = pool.best(best.routes, options.keepPool).map((r) => ({ vehicle: firstOf.get(r.klass)!, stops: r.stops, cost: r.cost }));
  return { ...solution, stats, pool: kept };
}

/**
 * Several trips per shift, or a shift with pauses (driver handovers): route on virtual vehicles (one
 * copy per allowed trip, each with the whole shift), then chain the trips onto the real vehicles
 * around their pauses; trips that no shift has room for come back as unserved stops.
 */
function solveMultiTrip(problem: Problem, options: SolveOptions): SolveResult {
  const realOf: number[] = [];
  const vehicles = problem.vehicles.flatMap((v, i) =>
    Array.from({ length: Math.max(1, v.maxTrips ?? 1) }, () => {
      realOf.push(i);
      // Pauses (shift changes) are kept by the chaining, not by the copies' routing.
      const { pauses: _pauses, ...copy } = v;
      return { ...copy, maxTrips: 1 };
    }));
  const virtual = solve({ ...problem, vehicles }, options);
  const chained = assignTrips(problem, virtual.routes, realOf);
  const unserved = [...virtual.unserved, ...chained.unserved].sort((a, b) => a.stop - b.stop);
  const cost = chained.routes.reduce((sum, r) => sum + r.cost, 0);
  const distance = chained.routes.reduce((sum, r) => sum + r.distance, 0);
  const solution: Solution = { routes: chained.routes, unserved, cost, distance };
  const check = validateSolution(problem, solution);
  if (!check.ok) throw new Error(`trip chaining produced an infeasible plan: ${check.violations.slice(0, 3).join('; ')}`);
  // Pool routes are trips: each names the real vehicle its virtual copy stands for.
  const pool = virtual.pool?.map((r) => ({ ...r, vehicle: realOf[r.vehicle]! }));
  return { ...solution, stats: virtual.stats, ...(pool ? { pool } : {}) };
}

/**
 * From this many stops on, the search is one annealing run instead of three (issue #20). Measured at
 * 60 s of CPU on eight XL instances (429-1,000 stops): mean gap 1.15% with three runs, 0.82% with
 * one; X (100-400) at 10 s: 0.52%, 0.44%; but A and P (15-100) at 1 s: 0.33% and 0.42% with three,
 * 0.38% and 0.49% with one, where runs stuck packing an exact fleet are saved by a restart.
 */
export const SINGLE_RUN_FROM = 100;

/**
 * From this many stops on, construction inserts each stop only next to its nearest routed stops
 * (granularInsertion, O(n * k)) instead of trying every position of every route (O(n^2)). Not the
 * insertion itself but polishing its result was the cost: the full greedy's long, crossing routes
 * took local search 15-24 s at 2,000 district stops, the granular ones 2-6 s, to a lower cost.
 * Below, the full greedy is kept, so the A, B, P, CMT and X sets (up to 400 stops) plan as before.
 */
export const GRANULAR_FROM = 500;
/** Nearest stops whose neighbouring positions a stop is tried at in granular construction. */
export const CONSTRUCTION_NEAR = 40;

/** The better of Clarke-Wright savings and greedy insertion, each completed by insertion and local search. */
function initialSolution(
  inst: Instance, stops: number[], adj: Int32Array[], rng: Rng, penalties: Penalties, polish: (s: RoutingSolution) => RoutingSolution,
  tune: NonNullable<SolveOptions['tuning']>,
): RoutingSolution {
  const all = new Uint8Array(inst.vehicles.length).fill(1);
  const keys = insertionKeys(inst);
  const insert = (s: RoutingSolution): void => {
    sortAbsent(inst, s.absent, keys, rng);
    if (inst.nStops >= (tune.granularFrom ?? GRANULAR_FROM)) granularInsertion(inst, s, adj, tune.constructionNear ?? CONSTRUCTION_NEAR);
    else recreate(inst, s, rng, { blink: 0 }, all);
  };
  const greedy = emptySolution(inst, stops);
  insert(greedy);
  const savings = savingsConstruction(inst, stops, adj);
  insert(savings);
  const [a, b] = [polish(greedy), polish(savings)];
  return objective(inst, b, penalties) < objective(inst, a, penalties) ? b : a;
}

/** The given routes (those that are feasible on their vehicle), the rest inserted greedily, polished. */
function warmStart(
  inst: Instance, stops: number[], routes: NonNullable<SolveOptions['initial']>, rng: Rng, polish: (s: RoutingSolution) => RoutingSolution,
): RoutingSolution {
  const sol = emptySolution(inst, []);
  const open = new Set(stops);
  for (const route of routes) {
    const nodes = route.stops.map((s) => s + inst.nDepots);
    const r = sol.routes[route.vehicle];
    if (!r || r.nodes.length || new Set(nodes).size !== nodes.length || !nodes.every((c) => open.has(c)) || sequenceCost(inst, route.vehicle, nodes) === Infinity) continue;
    for (const c of nodes) open.delete(c);
    r.nodes = nodes;
    commitRoute(inst, sol, r);
  }
  sol.absent = stops.filter((c) => open.has(c));
  sortAbsent(inst, sol.absent, insertionKeys(inst), rng);
  recreate(inst, sol, rng, { blink: 0 }, new Uint8Array(inst.vehicles.length).fill(1));
  return polish(sol);
}

function toSolution(inst: Instance, s: RoutingSolution, unserved: Unserved[]): Solution {
  const routes: PlannedRoute[] = [];
  let cost = 0;
  let distance = 0;
  for (const r of s.routes) {
    if (!r.nodes.length) continue;
    const veh = inst.vehicles[r.v]!;
    const { n, time, service } = inst;
    let d = 0;
    let t = veh.start;
    let prev = veh.depot;
    const starts: number[] = [];
    for (const c of r.nodes) {
      d += inst.dist[prev * n + c]!;
      t = Math.max(t + time[prev * n + c]!, inst.twStart[c]!);
      starts.push(t);
      t += service[c]!;
      prev = c;
    }
    d += inst.dist[prev * n + veh.depot]!;
    t += time[prev * n + veh.depot]!;
    routes.push({
      vehicle: r.v, stops: r.nodes.map((c) => c - inst.nDepots), distance: d, duration: t - veh.start, cost: r.cost,
      load: r.load.slice(), starts,
    });
    cost += r.cost;
    distance += d;
  }
  return { routes, unserved, cost, distance };
}
