/**
 * Cuts a round into sub-problems with the planning engine's decomposition (`decomposeDistrict`:
 * one piece per community, large ones in angular slices around their depot, fleet shares by demand
 * per depot), after sizing the round's fleet: the engine hands every vehicle it is given to some
 * piece, so a round is given only the vehicles it can use and the rest stay free for other rounds.
 * Pure: the caller loads the needs and the free vehicles, and stores the drafts.
 */
import { decomposeDistrict, DEFAULT_MAX_STOPS } from '../decompose';
import { buildProblem, capacityOf, demandOf, DIMENSIONS, type BuiltProblem, type NeedDemand, type NeedForPlan, type VehicleForPlan } from './round-problem';
import { fleetTarget } from './round-fleet-target';

export interface SubproblemDraft { id: string; communityId: string; needIds: string[]; vehicleIds: string[] }

/** What a need's load follows from, and how many needs alike it stands for (default 1). */
export type CountedDemand = NeedDemand & { count?: number };

export interface DecomposeRoundOptions {
  /** Id prefix of the drafts (each re-plan of a round uses its own, e.g. `g2sp`). Default `sp`. */
  idPrefix?: string;
  /** Largest sub-problem, in stops (corridor drop points). Default: the engine's (400). */
  maxStops?: number;
  /**
   * Needs waiting for a round beside this one (same district and vans, claimed by none): when the
   * free fleet cannot cover them and this round with slack, the round takes only its share. An entry
   * with `count` stands for that many needs alike (a district's wait is read summed, not need by need). Default none.
   */
  waiting?: readonly CountedDemand[];
}

/**
 * The drafts of a round: `needs` (each with its community) and the vehicles free for it. Ids are
 * the prefix and the engine's piece number, deterministic for the same needs and fleet.
 */
export function decomposeRound(
  needs: readonly (NeedForPlan & { communityId: string })[], free: readonly VehicleForPlan[], options: DecomposeRoundOptions = {},
): SubproblemDraft[] {
  const maxStops = options.maxStops ?? DEFAULT_MAX_STOPS;
  const fleet = fleetForRound(needs, free, maxStops, options.waiting);
  // Stops in corridor order whatever order the needs came in: the same round always cuts the same way.
  const built: BuiltProblem = buildProblem([...needs].sort((a, b) => byText(a.corridorId, b.corridorId) || byText(a.id, b.id)), fleet);
  const communityOf = new Map(needs.map((n) => [n.corridorId, n.communityId]));
  const group = built.problem.stops.map((s) => communityOf.get(s.id)!);
  const subs = decomposeDistrict({ problem: built.problem, group }, { maxStops });
  return subs.map((sub) => ({
    id: `${options.idPrefix ?? 'sp'}${sub.id.replace(/^sub/, '')}`,
    communityId: sub.group,
    needIds: sub.stops.flatMap((s) => built.stopNeeds[s]!.map((n) => n.id)),
    vehicleIds: sub.vehicles.map((v) => fleet[v]!.id),
  }));
}

/**
 * A collection round (waste) as one draft: every need, every free vehicle the round may use. The
 * disposal sites' daily capacities are shared by all routes, so the round is not cut.
 */
export function collectionDraft(
  needs: readonly (NeedForPlan & { communityId: string })[], free: readonly VehicleForPlan[], options: DecomposeRoundOptions = {},
): SubproblemDraft[] {
  if (needs.length === 0) return [];
  const sorted = [...needs].sort((a, b) => byText(a.corridorId, b.corridorId) || byText(a.id, b.id));
  return [{
    id: `${options.idPrefix ?? 'sp'}1`,
    communityId: sorted[0]!.communityId,
    needIds: sorted.map((n) => n.id),
    vehicleIds: free.map((v) => v.id).sort(byText),
  }];
}

/**
 * The vehicles a round gets, in id order: nearest depots first, until their capacity (times their
 * trips per shift) covers the round's target (round-fleet-target: its demand with slack when the free
 * fleet covers it and the `waiting` demand with slack, else its demand's share of the free fleet),
 * one vehicle with each skill a stop asks for, and, with slack only, one spare per expected
 * sub-problem (each piece needs a vehicle of its own). What a short share cannot carry is left
 * unserved by the solver (`fleet-exhausted`).
 */
export function fleetForRound(
  needs: readonly (NeedForPlan & { communityId: string })[], free: readonly VehicleForPlan[], maxStops = DEFAULT_MAX_STOPS, waiting: readonly CountedDemand[] = [],
): VehicleForPlan[] {
  if (needs.length === 0 || free.length === 0) return [];
  const carries = (v: VehicleForPlan): number[] => DIMENSIONS.map((dim) => (capacityOf(v.capacity, dim) ?? Infinity) * Math.max(1, v.maxTrips ?? 1));
  const { mode, target } = fleetTarget(totalDemand(needs), totalDemand(waiting), sum(free.map(carries)));
  const centre = { lat: mean(needs.map((n) => n.lat)), lon: mean(needs.map((n) => n.lon)) };
  const far = (v: VehicleForPlan): number => (v.depotLat - centre.lat) ** 2 + ((v.depotLon - centre.lon) * Math.cos((centre.lat * Math.PI) / 180)) ** 2;
  const order = [...free].sort((a, b) => far(a) - far(b) || byText(a.id, b.id));
  const taken = new Set<VehicleForPlan>();
  let covered = DIMENSIONS.map(() => 0);
  for (const v of order) {
    if (DIMENSIONS.every((_, k) => covered[k]! >= target[k]!)) break;
    taken.add(v);
    covered = sum([covered, carries(v)]);
  }
  const skills = new Set(needs.some((n) => n.protective) ? ['protective'] : []);
  for (const skill of skills) {
    if ([...taken].some((t) => t.skills.includes(skill))) continue;
    const v = order.find((o) => o.skills.includes(skill));
    if (v) taken.add(v);
  }
  const corridors = new Map<string, Set<string>>();
  for (const n of needs) corridors.set(n.communityId, (corridors.get(n.communityId) ?? new Set()).add(n.corridorId));
  let spares = mode === 'slack' ? [...corridors.values()].reduce((a, c) => a + Math.ceil(c.size / maxStops), 0) : 0;
  for (const v of order) {
    if (spares <= 0) break;
    if (!taken.has(v)) { taken.add(v); spares--; }
  }
  return [...taken].sort((a, b) => byText(a.id, b.id));
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function totalDemand(needs: readonly CountedDemand[]): number[] {
  return sum(needs.map((n) => { const d = demandOf(n); return DIMENSIONS.map((dim) => (n.count ?? 1) * d[dim]); }));
}

/** Element-wise sum of load vectors (one per dimension). */
function sum(loads: readonly number[][]): number[] {
  return DIMENSIONS.map((_, k) => loads.reduce((a, l) => a + l[k]!, 0));
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
