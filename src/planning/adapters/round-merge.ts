/**
 * The merge of a round's sub-problem results with the engine's border repair (`mergeAndRepair`).
 * Stored results (trips of corridor stops, unserved needs) are mapped back into the engine's
 * SubSolution form on the district Problem, merged, repaired across borders and validated as one
 * plan. A repaired plan that fails validation is never stored: the plain merge is, if it validates.
 * Pure: the caller loads the district and the results, and stores the plan.
 */
import { mergeAndRepair, mergeSubSolutions, type RepairReport, type SubProblem, type SubSolution } from '../decompose';
import type { PlannedRoute, Solution, UnservedReason } from '../model/problem.types';
import { validateSolution } from '../validate/solution.validate';
import type { Plan, PlanTrip, PlanUnserved } from '../../domain/round-plan';
import { toPlanPieces, type BuiltProblem, type VehicleForPlan } from './round-problem';

/** A sub-problem's stored result, as `round.solve` saved it. */
export interface StoredPiece { subproblemId: string; vehicleIds: readonly string[]; trips: PlanTrip[]; unserved: PlanUnserved[] }

export type MergeDecision =
  | { kind: 'repaired'; plan: Plan; repair: RepairReport; mergedCost: number; cost: number }
  /** The repaired plan failed validation (or the results could not be mapped): the plain merge, which validated. */
  | { kind: 'plain'; plan: Plan; why: string[] }
  /** Not even the plain merge validates: nothing may be stored. */
  | { kind: 'invalid'; why: string[] };

export function mergeRoundPieces(built: BuiltProblem, vehicles: readonly VehicleForPlan[], pieces: readonly StoredPiece[]): MergeDecision {
  let parts: SubSolution[];
  try {
    parts = pieces.map((p) => toSubSolution(built, vehicles, p));
  } catch (err) {
    // Results that do not match the district (a record changed under the round) cannot be checked.
    return { kind: 'invalid', why: [`results do not map onto the district: ${(err as Error).message}`] };
  }
  const merged = mergeAndRepair(built.problem, parts);
  if (merged.validation.ok) {
    const subOf = new Map(pieces.flatMap((p) => p.vehicleIds.map((v) => [v, p.subproblemId] as const)));
    const plan = toPlanPieces(built, vehicles, merged.solution, (v) => subOf.get(v) ?? 'merge');
    return { kind: 'repaired', plan, repair: merged.repair, mergedCost: merged.mergedCost, cost: merged.validation.cost };
  }
  const why = merged.validation.violations.slice(0, 5);
  const check = validateSolution(built.problem, mergeSubSolutions(built.problem, parts));
  if (!check.ok) return { kind: 'invalid', why: [...why, ...check.violations.slice(0, 5)] };
  // The plain merge: each sub-problem's trips as solved, nothing moved across borders.
  return { kind: 'plain', plan: { trips: pieces.flatMap((p) => p.trips), unserved: pieces.flatMap((p) => p.unserved) }, why };
}

/** One stored result in the engine's form: sub-problem stops and vehicles re-indexed from 0, with maps to the district. */
export function toSubSolution(built: BuiltProblem, vehicles: readonly VehicleForPlan[], piece: StoredPiece): SubSolution {
  const { problem } = built;
  const stopOf = new Map(problem.stops.map((s, i) => [s.id, i]));
  const stopOfNeed = new Map(built.stopNeeds.flatMap((list, i) => list.map((n) => [n.id, i] as const)));
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
    return {
      vehicle: v, stops: at.map((s) => local.get(s)!), distance: t.distanceM, duration: t.durationS, cost: 0, load,
      starts: t.stops.map((s) => s.plannedStartS), trip: t.tripNo - 1, departure: t.departS ?? 0,
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
