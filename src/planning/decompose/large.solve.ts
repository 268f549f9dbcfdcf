import type { PlannedRoute, Problem, Solution, Unserved } from '../model/problem.types';
import type { PieceJob, PieceRunner } from '../parallel/piece-runner';
import { validateSolution } from '../validate/solution.validate';
import { splitStops } from './cluster.split';
import { shareFleet } from './fleet.share';
import { mergeSubSolutions } from './merge';
import { locator } from './geometry';
import { groupRoutes, type RouteGroup } from './route-groups';
import { subProblem } from './subproblem.build';
import { temperatureAt } from '../routing/sisr';

/** Seed and budget of a plan made piece by piece. */
export interface PiecewiseBudget {
  /** Default 1. */
  seed?: number;
  /** Wall-clock budget (ms) on `now`, default 60,000; without `now` the solve runs `rounds` rounds of `maxIterations` per piece. */
  timeLimitMs?: number;
  now?: () => number;
  /** Iterations per piece when there is no clock. Default 2,000. */
  maxIterations?: number;
}

/** Options of solveLarge; the defaults were chosen on Leuven1 and Ghent1 (issue #20). */
export interface LargeSolveOptions extends PiecewiseBudget {
  /** Rounds of route groups when there is no clock. Default 4. */
  rounds?: number;
  /** Pieces the runner solves at once (its threads): only used to share the time. Default 1. */
  threads?: number;
  /** Largest piece of the first, geographic cut. Default 1,000 stops. */
  pieceStops?: number;
  /** Stops per group of nearby routes re-optimised together. Default 600. */
  groupStops?: number;
  /** Share of the budget for the first cut. Default 0.3. */
  startShare?: number;
  /** A group key per stop (communities): the first cut keeps groups whole up to pieceStops. Default: one group. */
  groups?: readonly string[];
}

export interface LargeSolveResult extends Solution {
  stats: { rounds: number; groupsImproved: number; startCost: number; startUnserved: number };
}

const MIN_PIECE_MS = 300;

/**
 * Plans a problem too large for one dense matrix and one search: no n x n matrix is ever built,
 * only the pieces' own. First a geographic cut (angular slices around the depots) solved piece by
 * piece; then rounds of decomposition by routes: nearby routes of the current plan are grouped,
 * each group re-optimised from its own routes (warm start: never worse) with a few spare vehicles,
 * and the groups re-cut every round so borders move. The pieces share one cooling schedule (sisr
 * temperatureAt): the first cut anneals over its hottest share, each round over the next slice, so a
 * group starts where the plan's search had cooled to instead of re-heating a good plan every round.
 * Pieces of a round are independent, so the runner may solve them on several threads; results are
 * taken in group order, so for a given seed the plan does not depend on which thread finished first.
 * The whole plan is validated at the end.
 */
export async function solveLarge(problem: Problem, o: LargeSolveOptions, run: PieceRunner): Promise<LargeSolveResult> {
  // pieces and groups are cut by geometry; a supplied matrix has none
  if (!locator(problem)) throw new RangeError('solveLarge needs coordinates (geo or euclid travel), not a matrix');
  const seed = o.seed ?? 1;
  const threads = Math.max(1, o.threads ?? 1);
  const clock = o.now;
  const began = clock?.() ?? 0;
  const totalMs = o.timeLimitMs ?? 60_000;
  const deadline = began + totalMs;
  const waves = (pieces: number): number => Math.ceil(pieces / threads);
  const budget = (ms: number): Pick<PieceJob, 'timeLimitMs' | 'maxIterations'> =>
    clock ? { timeLimitMs: Math.max(MIN_PIECE_MS, ms) } : { maxIterations: o.maxIterations ?? 2_000 };

  const pieces = splitStops(problem, o.groups ?? problem.stops.map(() => ''), o.pieceStops ?? 1_000);
  const fleet = shareFleet(problem, pieces);
  const subs = pieces.map((piece, i) => ({ stops: piece.stops, vehicles: fleet.vehicles[i]!, problem: subProblem(problem, piece.stops, fleet.vehicles[i]!) }));
  const startShare = o.startShare ?? 0.3;
  const startMs = (totalMs * startShare) / waves(subs.length);
  // one cooling schedule for the whole solve: the first cut takes its hottest share, each round the next slice
  const firsts = await run(subs.map((sub, i) => ({ problem: sub.problem, seed: seed + i, ...budget(startMs), tuning: { tf: temperatureAt(startShare) } })));
  const merged = mergeSubSolutions(problem, firsts.map((solution, i) => ({ sub: { ...subs[i]!, id: `piece${i}`, group: '', depot: 0 }, solution })));
  let routes: PlannedRoute[] = merged.routes;
  let unserved: Unserved[] = merged.unserved;
  const startCost = merged.cost;

  const rounds = o.rounds ?? 4;
  const reached = scheduleReached(clock, began, totalMs, startShare, rounds);
  let round = 0;
  let improved = 0;
  for (;; round++) {
    if (!clock && round >= rounds) break;
    const groups = groupRoutes(problem, routes, unserved.map((u) => u.stop), o.groupStops ?? 600, round);
    let groupMs = 0;
    if (clock) {
      const left = deadline - clock();
      // aim at six rounds in what is left, the last one cut to fit
      groupMs = Math.min(left / waves(groups.length), Math.max(MIN_PIECE_MS, left / 6 / waves(groups.length)));
      if (groupMs < MIN_PIECE_MS) break;
    }
    const from = reached(round);
    const to = clock ? from + (groupMs * waves(groups.length)) / totalMs : reached(round + 1);
    const tuning = { t0: temperatureAt(from), tf: temperatureAt(to) };
    const next = await improveGroups(problem, { routes, unserved }, groups, (gi) => ({ seed: seed + 7919 * (round + 1) + gi, ...budget(groupMs), tuning }), run);
    ({ routes, unserved } = next.plan);
    improved += next.improved;
  }

  const solution = finishPlan(problem, { routes, unserved }, 'large solve');
  return { ...solution, stats: { rounds: round, groupsImproved: improved, startCost, startUnserved: merged.unserved.length } };
}

/**
 * The share of one cooling schedule a piecewise solve has reached when a round starts: by its clock,
 * or, without one, by rounds done after the `head` share its first pieces took.
 */
export function scheduleReached(clock: (() => number) | undefined, began: number, totalMs: number, head: number, rounds: number): (round: number) => number {
  return (round) => (clock ? (clock() - began) / totalMs : head + ((1 - head) * round) / rounds);
}

/** A plan being improved: its routes and the stops it leaves out, in problem indices. */
export interface WorkingPlan { routes: PlannedRoute[]; unserved: Unserved[] }

/**
 * One round of decomposition by routes: each group's routes, with the unserved stops offered to it
 * and a few spare vehicles, re-optimised from those routes as one piece (`job` gives its seed, budget
 * and tuning); a group's result replaces its routes only when it serves more stops, or as many for
 * less. Results are taken in group order, whichever thread finished first.
 */
export async function improveGroups(
  problem: Problem, plan: WorkingPlan, groups: readonly RouteGroup[], job: (group: number) => Omit<PieceJob, 'problem' | 'initial'>, run: PieceRunner,
): Promise<{ plan: WorkingPlan; improved: number }> {
  const { routes } = plan;
  const spare = spareVehicles(problem, routes, groups.length);
  const pieces = groups.map((g, gi) => {
    const vehicles = [...g.routes.map((r) => routes[r]!.vehicle), ...spare[gi]!];
    const stops = [...g.routes.flatMap((r) => routes[r]!.stops), ...g.extra];
    const local = new Map(stops.map((s, i) => [s, i]));
    return {
      job: {
        ...job(gi), problem: subProblem(problem, stops, vehicles),
        initial: g.routes.map((r, i) => ({ vehicle: i, stops: routes[r]!.stops.map((s) => local.get(s)!) })),
      } satisfies PieceJob,
      stops, vehicles, g,
    };
  });
  const results = await run(pieces.map((p) => p.job));
  const replaced = new Set<number>();
  const added: PlannedRoute[] = [];
  const out = new Map(plan.unserved.map((u) => [u.stop, u]));
  let improved = 0;
  pieces.forEach(({ stops, vehicles, g }, gi) => {
    const res = results[gi]!;
    const before = g.routes.reduce((s, r) => s + routes[r]!.cost, 0);
    const servedBefore = g.routes.reduce((s, r) => s + routes[r]!.stops.length, 0);
    const servedAfter = stops.length - res.unserved.length;
    if (servedAfter < servedBefore || (servedAfter === servedBefore && res.cost >= before - 1e-6)) return;
    improved++;
    for (const r of g.routes) replaced.add(r);
    for (const r of res.routes) added.push({ ...r, vehicle: vehicles[r.vehicle]!, stops: r.stops.map((s) => stops[s]!) });
    for (const s of g.extra) out.delete(s);
    for (const u of res.unserved) out.set(stops[u.stop]!, { ...u, stop: stops[u.stop]! });
  });
  return { plan: { routes: [...routes.filter((_, i) => !replaced.has(i)), ...added], unserved: [...out.values()] }, improved };
}

/** The plan as a Solution, routes in vehicle order, checked by the independent validator. */
export function finishPlan(problem: Problem, plan: WorkingPlan, what: string): Solution {
  const routes = [...plan.routes].sort((a, b) => a.vehicle - b.vehicle);
  const unserved = [...plan.unserved].sort((a, b) => a.stop - b.stop);
  const solution: Solution = {
    routes, unserved, cost: routes.reduce((s, r) => s + r.cost, 0), distance: routes.reduce((s, r) => s + r.distance, 0),
  };
  // The independent checker guards against a bug in the stitching ever reaching a dispatcher.
  const check = validateSolution(problem, solution);
  if (!check.ok) throw new Error(`${what} produced an infeasible plan: ${check.violations.slice(0, 3).join('; ')}`);
  return solution;
}

/** Unused vehicles dealt to the groups, at most two each, so no vehicle is in two pieces of a round. */
function spareVehicles(problem: Problem, routes: readonly PlannedRoute[], groups: number): number[][] {
  const used = new Set(routes.map((r) => r.vehicle));
  const free = problem.vehicles.map((_, v) => v).filter((v) => !used.has(v));
  return Array.from({ length: groups }, (_, g) => free.slice(2 * g, 2 * g + 2));
}
