import { compile, unservableReason, type Instance } from './model/instance';
import type { PlannedRoute, Problem, Solution, Unserved } from './model/problem.types';
import { nearestStops } from './routing/neighbours';
import { recreate, insertionKeys, sortAbsent } from './routing/recreate';
import { mulberry32 } from './routing/rng';
import { RoutePool } from './routing/route-pool';
import { sisr } from './routing/sisr';
import { cloneSolution, emptySolution, makePenalties, objective, type Penalties, type RoutingSolution } from './routing/solution-state';
import { localSearch } from './routing/local-search';
import { savingsConstruction } from './routing/savings.construction';
import type { Rng } from './routing/rng';

export interface SolveOptions {
  /** Wall-clock budget in milliseconds, measured with `now`. Default 1000. */
  timeLimitMs?: number;
  /**
   * Clock in milliseconds (the CLI passes performance.now). The core never reads a clock itself:
   * without `now`, the budget is counted in iterations instead (`maxIterations`).
   */
  now?: () => number;
  /** Search iterations when no clock is given. Default 20,000. */
  maxIterations?: number;
  /** Default 1. */
  seed?: number;
  /** Nearest neighbours considered per stop. Default 40. */
  neighbours?: number;
}

export interface SolveStats {
  iterations: number;
  poolSize: number;
}

/** Plans routes for a problem (or a sub-problem: it is just a smaller Problem). */
export function solve(problem: Problem, options: SolveOptions = {}): Solution & { stats: SolveStats } {
  const inst = compile(problem);
  const rng = mulberry32(options.seed ?? 1);
  let ticks = 0;
  const now = options.now ?? (() => ticks++);
  const budget = options.now ? (options.timeLimitMs ?? 1000) : (options.maxIterations ?? 20_000);
  const deadline = now() + budget;
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
  const polish = (s: RoutingSolution): RoutingSolution => {
    const own = cloneSolution(s);
    localSearch(inst, own, { rng, neighbours: adj, k });
    return own;
  };
  const start = initialSolution(inst, candidates, adj, rng, penalties, polish);
  const pool = new RoutePool(inst);
  const found = sisr(inst, start, { deadline, now, rng, adj, penalties, pool });
  const iterations = found.iterations;
  const best = polish(found.best);
  for (const c of best.absent) unserved.push({ stop: c - inst.nDepots, reason: 'fleet-exhausted' });
  unserved.sort((a, b) => a.stop - b.stop);
  return { ...toSolution(inst, best, unserved), stats: { iterations, poolSize: pool.size } };
}

/** The better of Clarke-Wright savings and greedy insertion, each completed by insertion and local search. */
function initialSolution(
  inst: Instance, stops: number[], adj: Int32Array[], rng: Rng, penalties: Penalties, polish: (s: RoutingSolution) => RoutingSolution,
): RoutingSolution {
  const all = new Uint8Array(inst.vehicles.length).fill(1);
  const keys = insertionKeys(inst);
  const greedy = emptySolution(inst, stops);
  sortAbsent(inst, greedy.absent, keys, rng);
  recreate(inst, greedy, rng, 0, all);
  const savings = savingsConstruction(inst, stops, adj);
  sortAbsent(inst, savings.absent, keys, rng);
  recreate(inst, savings, rng, 0, all);
  const [a, b] = [polish(greedy), polish(savings)];
  return objective(inst, b, penalties) < objective(inst, a, penalties) ? b : a;
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
