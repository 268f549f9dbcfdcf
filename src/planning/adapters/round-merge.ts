/**
 * The merge of a round's sub-problem results with the engine's border repair (`mergeAndRepair`).
 * Stored results (trips of corridor stops, unserved needs) are mapped back into the engine's
 * SubSolution form on the district Problem, merged, repaired across borders and validated as one
 * plan. A repaired plan that fails validation is never stored: the plain merge is, if it validates.
 * Pure: the caller loads the district and the results, and stores the plan.
 */
import { mergeAndRepair, mergeSubSolutions, type RepairReport, type SubProblem, type SubSolution } from '../decompose';
import { improveMergedPlan, type PoolMergeOptions, type PoolMergeResult } from '../decompose/pool.merge';
import type { PlannedRoute, Solution, UnservedReason } from '../model/problem.types';
import { validateSolution } from '../validate/solution.validate';
import type { Plan, PlanTrip, PlanUnserved } from '../../domain/round-plan';
import { toPlanPieces, type BuiltProblem, type VehicleForPlan } from './round-problem';
import { poolRoutesOnDistrict, type StoredPool } from './round-pool';

/** A sub-problem's stored result, as `round.solve` saved it (`pool`: the routes its search met, when kept). */
export interface StoredPiece { subproblemId: string; vehicleIds: readonly string[]; trips: PlanTrip[]; unserved: PlanUnserved[]; pool?: StoredPool }

/**
 * How set partitioning over the sub-problems' route pools went at the merge (improveMergedPlan):
 * `off` when not asked for; costs are the validator's, of the merged (repaired) plan and of the plan
 * stored. Ids and counts only.
 */
export type SetPartitioningNote = Omit<PoolMergeResult, 'solution' | 'status'> & { status: PoolMergeResult['status'] | 'off' };

export type MergeDecision =
  | { kind: 'repaired'; plan: Plan; repair: RepairReport; mergedCost: number; cost: number; setPartitioning: SetPartitioningNote }
  /** The repaired plan failed validation (or the results could not be mapped): the plain merge, which validated. */
  | { kind: 'plain'; plan: Plan; why: string[]; setPartitioning: SetPartitioningNote }
  /** Not even the plain merge validates: nothing may be stored. */
  | { kind: 'invalid'; why: string[] };

export interface MergeRoundOptions {
  /** Set partitioning over the stored pools plus the merged plan's routes. Default: off. */
  setPartitioning?: PoolMergeOptions;
}

export function mergeRoundPieces(built: BuiltProblem, vehicles: readonly VehicleForPlan[], pieces: readonly StoredPiece[], options: MergeRoundOptions = {}): MergeDecision {
  let parts: SubSolution[];
  try {
    const index = districtIndex(built);
    parts = pieces.map((p) => toSubSolution(built, vehicles, p, index));
  } catch (err) {
    // Results that do not match the district (a record changed under the round) cannot be checked.
    return { kind: 'invalid', why: [`results do not map onto the district: ${(err as Error).message}`] };
  }
  if (built.problem.sites) {
    // A collection round is planned as one piece (the sites' daily capacities are shared by every
    // route): no border to repair, and its trips stay as solved, each ending at its unload.
    const plain = mergeSubSolutions(built.problem, parts);
    const check = validateSolution(built.problem, plain);
    if (!check.ok) return { kind: 'invalid', why: check.violations.slice(0, 5) };
    const plan = { trips: pieces.flatMap((p) => p.trips), unserved: pieces.flatMap((p) => p.unserved) };
    return { kind: 'repaired', plan, repair: { dissolved: 0, relocated: 0, retried: 0, rescued: 0, saved: 0 }, mergedCost: check.cost, cost: check.cost, setPartitioning: offNote(check.cost) };
  }
  const merged = mergeAndRepair(built.problem, parts);
  const subOf = new Map(pieces.flatMap((p) => p.vehicleIds.map((v) => [v, p.subproblemId] as const)));
  const asPlan = (s: Solution): Plan => toPlanPieces(built, vehicles, s, (v) => subOf.get(v) ?? 'merge');
  // The pools can only make the plan cheaper: the validated improvement replaces it, anything else leaves it.
  const improve = (s: Solution, cost: number): { plan: Plan | null; note: SetPartitioningNote } => {
    if (!options.setPartitioning) return { plan: null, note: offNote(cost) };
    const pool = poolRoutesOnDistrict(built, vehicles, pieces.map((p) => p.pool));
    const { solution, ...note } = improveMergedPlan(built.problem, s, pool, options.setPartitioning);
    return { plan: solution ? asPlan(solution) : null, note };
  };
  if (merged.validation.ok) {
    const sp = improve(merged.solution, merged.validation.cost);
    return {
      kind: 'repaired', plan: sp.plan ?? asPlan(merged.solution), repair: merged.repair, mergedCost: merged.mergedCost, cost: sp.note.cost, setPartitioning: sp.note,
    };
  }
  const why = merged.validation.violations.slice(0, 5);
  const plain = mergeSubSolutions(built.problem, parts);
  const check = validateSolution(built.problem, plain);
  if (!check.ok) return { kind: 'invalid', why: [...why, ...check.violations.slice(0, 5)] };
  const sp = improve(plain, check.cost);
  // The plain merge: each sub-problem's trips as solved, nothing moved across borders.
  const plan = sp.plan ?? { trips: pieces.flatMap((p) => p.trips), unserved: pieces.flatMap((p) => p.unserved) };
  return { kind: 'plain', plan, why, setPartitioning: sp.note };
}

function offNote(cost: number): SetPartitioningNote {
  return { status: 'off', mergedCost: cost, cost, elapsedMs: 0, stats: { pool: 0, usable: 0, components: 0, improved: 0, timedOut: 0 } };
}

/** One stored result in the engine's form: sub-problem stops and vehicles re-indexed from 0, with maps to the district. */
/** The district's stops and needs by id: built once for all the pieces of a round (137,000 needs at full scale). */
export interface DistrictIndex { stopOf: Map<string, number>; stopOfNeed: Map<string, number> }

export function districtIndex(built: BuiltProblem): DistrictIndex {
  const stopOfNeed = new Map<string, number>();
  built.stopNeeds.forEach((list, i) => list.forEach((n) => stopOfNeed.set(n.id, i)));
  return { stopOf: new Map(built.problem.stops.map((s, i) => [s.id, i])), stopOfNeed };
}

export function toSubSolution(built: BuiltProblem, vehicles: readonly VehicleForPlan[], piece: StoredPiece, index: DistrictIndex = districtIndex(built)): SubSolution {
  const { problem } = built;
  const { stopOf, stopOfNeed } = index;
  const vehicleOf = new Map(vehicles.map((v, i) => [v.id, i]));
  const districtStop = (corridorId: string): number => {
    const i = stopOf.get(corridorId);
    if (i === undefined) throw new Error(`stop ${corridorId} of ${piece.subproblemId} is not in the district`);
    return i;
  };
  const stops = [...new Set([
    ...piece.trips.flatMap((t) => t.stops.map((s) => districtStop(s.corridorId))),
    ...piece.unserved.map((u) => {
      const i = stopOfNeed.get(u.needId);
      if (i === undefined) throw new Error(`need of ${piece.subproblemId} is not in the district`);
      return i;
    }),
  ])].sort((a, b) => a - b);
  const fleet = [...piece.vehicleIds].map((id) => {
    const i = vehicleOf.get(id);
    if (i === undefined) throw new Error(`vehicle ${id} of ${piece.subproblemId} is not in the district`);
    return i;
  });
  const local = new Map(stops.map((s, i) => [s, i]));
  const localVehicle = new Map(fleet.map((v, i) => [v, i]));
  const routes: PlannedRoute[] = piece.trips.map((t) => {
    const v = localVehicle.get(vehicleOf.get(t.vehicleId) ?? -1);
    if (v === undefined) throw new Error(`trip ${t.id} uses a vehicle outside ${piece.subproblemId}`);
    const at = t.stops.map((s) => districtStop(s.corridorId));
    const load = problem.dimensions.map((_, k) => at.reduce((sum, s) => sum + (problem.stops[s]!.demand[k] ?? 0), 0));
    const site = t.unload ? (problem.sites ?? []).findIndex((x) => x.id === t.unload!.siteId) : -1;
    if (t.unload && site < 0) throw new Error(`trip ${t.id} unloads at a site the round does not have`);
    return {
      vehicle: v, stops: at.map((s) => local.get(s)!), distance: t.distanceM, duration: t.durationS, cost: 0, load,
      starts: t.stops.map((s) => s.plannedStartS), trip: t.tripNo - 1, departure: t.departS ?? 0,
      ...(t.unload ? { unload: { site, start: t.unload.startS } } : {}),
    };
  });
  // Every need of a stop shares the stop's fate: one unserved entry per stop.
  const unserved = [...new Map(piece.unserved.map((u) => [stopOfNeed.get(u.needId)!, u.reason as UnservedReason])).entries()]
    .map(([s, reason]) => ({ stop: local.get(s)!, reason }));
  const solution: Solution = { routes, unserved, cost: 0, distance: routes.reduce((a, r) => a + r.distance, 0) };
  // Only the index maps are read by the merge; the sub-problem's own Problem was rebuilt by its solve job.
  const sub: SubProblem = { id: piece.subproblemId, group: '', problem, stops, vehicles: fleet, depot: 0 };
  return { sub, solution };
}
