import type { Problem, Solution } from '../model/problem.types';
import type { PieceJob, PieceRunner } from '../parallel/piece-runner';
import { temperatureAt } from '../routing/sisr';
import { locator } from './geometry';
import { finishPlan, improveGroups, scheduleReached, type PiecewiseBudget, type WorkingPlan } from './large.solve';
import { groupRoutes } from './route-groups';

/** Options of solveInParts; the defaults were chosen on the XL instances (400-1,000 stops, issue #20). */
export interface PartsSolveOptions extends PiecewiseBudget {
  /** Rounds after the opening. Default 12. */
  rounds?: number;
  /** Threads the runner has: one opening search each, and the plan cut into this many parts a round. Default 2. */
  threads?: number;
  /** Share of the budget (and of the cooling) for the opening searches of the whole problem. Default 0.1. */
  openShare?: number;
  /** Start temperature of the opening searches (sisr t0). Default OPEN_T0. */
  openT0?: number;
}

export interface PartsSolveResult extends Solution {
  stats: { rounds: number; partsImproved: number; openingCost: number; openingUnserved: number };
}

const MIN_PART_MS = 200;

/**
 * The annealing of every piece sees a stop left out at this multiple of its depot round trip, not
 * the hard penalty (sisr softAbsent), so it can pass through plans missing a stop or two: the X
 * instances fill their minimal fleets to 95-100%, and a full route takes a stop only by giving one
 * up. Each piece still keeps its best plan judged with the hard penalties. XL at 60 s, seed 1, same
 * machine: mean gap 0.572% -> 0.489%, max 1.90% -> 0.86% (X-n411-k19 1.90% -> 0.44%; X-n429-k61
 * 0.28% -> 0.42% and X-n561-k42 0.26% -> 0.50% the two worse).
 */
const SOFT_ABSENT = 1;

/**
 * The opening searches start hotter than the shared schedule (sisr T0 0.6) and cool to where it
 * stands at the end of their share, so the rounds go on as before. The opening decides a plan's
 * layout: on X-n411-k19 (19 routes 95% full, depot in a corner) the routes east of the depot are set
 * there and the rounds, cooler and in parts, do not change them. XL at 60 s on 2 threads, a slower
 * machine, seeds 1 and 2: mean gap 0.608% -> 0.573% and 0.624% -> 0.615% (X-n411-k19 2.00% -> 1.10%
 * and 1.65% -> 1.57%; the other 20 instances level: 0.538% -> 0.547%, 0.573% -> 0.567%).
 */
export const OPEN_T0 = 1.5;

/**
 * From this many stops on, a plan given more than one thread is made in parts (solveInParts); below,
 * by one search on one thread. Measured on XL (400-1,000 stops); untried below.
 */
export const PARTS_FROM = 400;

/**
 * One annealing on several threads, for problems of a few hundred to a few thousand stops. Ruin and
 * recreate only ever changes routes near one another, so two far-apart parts of a plan can cool at
 * the same time without meeting: each round cuts the plan's routes into `threads` groups of nearby
 * routes (re-cut every round, so borders move) and anneals each group on its own thread over its
 * slice of one cooling schedule (sisr temperatureAt), so the rounds together cool as a single
 * search given every thread's iterations would. It opens with one search of the whole problem per
 * thread (different seeds) over the hottest share of the schedule, started hotter (OPEN_T0), keeping
 * the best. Every part starts from its own routes and keeps the best it finds, so a round never
 * makes the plan worse.
 * Results are taken in group order: for a given seed and thread count, iteration mode is deterministic.
 */
export async function solveInParts(problem: Problem, o: PartsSolveOptions, run: PieceRunner): Promise<PartsSolveResult> {
  if (!locator(problem)) throw new RangeError('solveInParts needs coordinates (geo or euclid travel), not a matrix');
  const seed = o.seed ?? 1;
  const threads = Math.max(1, o.threads ?? 2);
  const rounds = Math.max(1, o.rounds ?? 12);
  const openShare = o.openShare ?? 0.1;
  const clock = o.now;
  const began = clock?.() ?? 0;
  const totalMs = o.timeLimitMs ?? 60_000;
  const reached = scheduleReached(clock, began, totalMs, openShare, rounds);
  const job = (from: number, to: number, pieceSeed: number, t0 = temperatureAt(from)): Omit<PieceJob, 'problem' | 'initial'> => ({
    seed: pieceSeed,
    ...(clock ? { timeLimitMs: Math.max(MIN_PART_MS, (to - from) * totalMs) } : { maxIterations: o.maxIterations ?? 2_000 }),
    tuning: { t0, tf: temperatureAt(to), softAbsent: SOFT_ABSENT },
  });

  const openings = await run(Array.from({ length: threads }, (_, i) => ({ problem, ...job(0, openShare, seed + i, o.openT0 ?? OPEN_T0) })));
  // more stops served first, then cost; ties to the lower seed
  const opening = openings.reduce((a, b) => (b.unserved.length < a.unserved.length || (b.unserved.length === a.unserved.length && b.cost < a.cost - 1e-9) ? b : a));
  let plan: WorkingPlan = { routes: opening.routes, unserved: opening.unserved };
  let improved = 0;
  let round = 0;
  for (; round < rounds; round++) {
    const from = reached(round);
    // the rounds left share what is left evenly
    const to = clock ? from + (1 - from) / (rounds - round) : reached(round + 1);
    if (clock && (1 - from) * totalMs < MIN_PART_MS) break;
    const groups = groupRoutes(problem, plan.routes, plan.unserved.map((u) => u.stop), Math.ceil(problem.stops.length / threads), round + 1);
    const next = await improveGroups(problem, plan, groups, (gi) => job(from, to, seed + 7919 * (round + 1) + gi), run);
    plan = next.plan;
    improved += next.improved;
  }
  return { ...finishPlan(problem, plan, 'solve in parts'), stats: { rounds: round, partsImproved: improved, openingCost: opening.cost, openingUnserved: opening.unserved.length } };
}
