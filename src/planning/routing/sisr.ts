import type { Instance } from '../model/instance';
import { insertionKeys, recreate, sortAbsent } from './recreate';
import type { Rng } from './rng';
import { DEFAULT_RUIN, ruin, type RuinParams } from './ruin';
import type { RoutePool } from './route-pool';
import { objective, shallowCopy, type Penalties, type RoutingSolution } from './solution-state';

function softPenalties(inst: Instance, hard: Penalties, factor: number): Penalties {
  const absent = new Float64Array(inst.n);
  const veh = inst.vehicles[0];
  for (let c = inst.nDepots; c < inst.n; c++) {
    const trip = veh ? veh.cost[veh.depot * inst.n + c]! + veh.cost[c * inst.n + veh.depot]! : 0;
    absent[c] = Math.min(hard.absent[c]!, factor * trip);
  }
  return { absent, missingRoute: hard.missingRoute };
}

/** Default start and end temperatures (fractions of the start solution's cost per served stop). */
export const T0 = 0.6;
export const TF = 0.01;

/**
 * The temperature of one annealing `share` (0..1) of the way through its schedule: an annealing cut
 * into consecutive legs (a plan re-optimised part by part, round after round) gives each leg the
 * slice [temperatureAt(a), temperatureAt(b)] of its share [a, b], so together they cool as one.
 */
export function temperatureAt(share: number): number {
  return T0 * Math.pow(TF / T0, Math.min(1, Math.max(0, share)));
}

export interface SisrOptions {
  deadline: number;
  now: () => number;
  rng: Rng;
  adj: Int32Array[];
  penalties: Penalties;
  pool?: RoutePool;
  ruin?: RuinParams;
  /** Start and end temperatures, as fractions of the average arc cost of the start solution. */
  t0?: number;
  tf?: number;
  blink?: number;
  /** Granular insertion: try the routes of this many nearest stops first (0 = all routes). Default 0. */
  near?: number;
  /**
   * Share of the budget that may be spent packing stops left out (accepting on fewer absent stops,
   * then on how often they were absent, as in SISR's fleet minimisation) before plain annealing. Default 0.5.
   */
  repairShare?: number;
  /**
   * Annealing sees an absent stop at this multiple of its depot round trip instead of the hard
   * penalty, so the search can pass through solutions missing a stop or two (slack for tight
   * fleets); the best solution is still judged with the hard penalties. 0 = hard. Default 0.
   */
  softAbsent?: number;
  /** Called with each new best solution (e.g. to polish it with local search). */
  onBest?: (s: RoutingSolution) => RoutingSolution;
}

export interface SisrResult {
  best: RoutingSolution;
  iterations: number;
}

/**
 * Ruin and recreate with simulated-annealing acceptance; the temperature decays geometrically
 * with the fraction of the time budget used, so results depend on the budget and the seed only.
 */
export function sisr(inst: Instance, start: RoutingSolution, o: SisrOptions): SisrResult {
  const keys = insertionKeys(inst);
  const params = o.ruin ?? DEFAULT_RUIN;
  const blink = o.blink ?? 0.01;
  const served = inst.nStops - start.absent.length;
  const scale = Math.max(1e-9, start.cost / Math.max(1, served));
  const t0 = (o.t0 ?? T0) * scale;
  const tf = (o.tf ?? TF) * scale;
  const touched = new Uint8Array(inst.vehicles.length);
  const begin = o.now();
  const span = Math.max(1e-6, o.deadline - begin);
  const soft = o.softAbsent ?? 0;
  const annealPen = soft > 0 ? softPenalties(inst, o.penalties, soft) : o.penalties;
  let cur = start;
  let curObj = objective(inst, cur, annealPen);
  let best = cur;
  let bestObj = objective(inst, cur, o.penalties);
  let iterations = 0;
  const repairUntil = begin + span * (o.repairShare ?? 0.5);
  const absences = new Float64Array(inst.n);
  const absenceSum = (s: RoutingSolution): number => s.absent.reduce((sum, c) => sum + absences[c]!, 0);
  // the routeOf of the last solution dropped (never the best's): the next candidate's
  let spare: Int32Array | undefined;
  for (;;) {
    const t = o.now();
    if (t >= o.deadline) break;
    const temp = t0 * Math.pow(tf / t0, (t - begin) / span);
    const repairing = best.absent.length > 0 && cur.absent.length > 0 && t < repairUntil;
    iterations++;
    touched.fill(0);
    const cand = shallowCopy(cur, spare);
    spare = undefined;
    ruin(inst, cand, o.adj, o.rng, params, touched);
    sortAbsent(inst, cand.absent, keys, o.rng);
    recreate(inst, cand, o.rng, { blink, adj: o.adj, near: o.near }, touched);
    const candObj = objective(inst, cand, annealPen);
    let accept: boolean;
    if (repairing) {
      for (const c of cand.absent) absences[c]!++;
      accept = cand.absent.length < cur.absent.length || (cand.absent.length === cur.absent.length && absenceSum(cand) < absenceSum(cur));
    } else accept = candObj < curObj - temp * Math.log(o.rng());
    if (!accept) spare = cand.routeOf;
    else {
      if (cur !== best) spare = cur.routeOf;
      cur = cand;
      curObj = candObj;
      // only routes of near-best solutions: they are the ones set partitioning can recombine
      if (o.pool && curObj <= bestObj * 1.01) for (let v = 0; v < touched.length; v++) if (touched[v]) o.pool.add(cur.routes[v]!);
      const hardObj = annealPen === o.penalties ? curObj : objective(inst, cur, o.penalties);
      if (hardObj < bestObj - 1e-9) {
        if (o.onBest) {
          cur = o.onBest(cur);
          curObj = objective(inst, cur, annealPen);
        }
        best = cur;
        bestObj = objective(inst, cur, o.penalties);
      }
    }
  }
  return { best, iterations };
}
