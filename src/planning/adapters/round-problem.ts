/**
 * Turns the needs and vehicles of one sub-problem into a routing Problem, and the engine's
 * Solution back into trips, stops and bag manifests. Pure: the caller loads and stores.
 *
 * A stop is a corridor drop point: every need of a corridor travels on the same stop, and the
 * bags go on to each door on foot. Medicine details are never read: a medicine need is one bag.
 */
import { DUE_TODAY_BY_MIN, ROUND_SHIFT_MIN, roundSecondsAt, type GateHours } from '../../domain/gate-hours';
import type { Urgency } from '../../domain/kinds';
import { LOAD_DIMENSIONS, needKindSpec, type Handed, type Load, type NeedKind } from '../../domain/need-kinds';
import type { Amounts, DisposalSite, PlannedRoute, Priority, Problem, Solution, Stop, Vehicle } from '../model/problem.types';
import type { PlanTrip, PlanUnserved } from '../../domain/round-plan';
import { travelBetween } from '../model/travel.matrix';

export const DIMENSIONS = LOAD_DIMENSIONS;

export interface NeedForPlan {
  id: string;
  kind: NeedKind;
  urgency: Urgency;
  corridorId: string;
  members: number;
  /** Non-medical quantities only (packages, meals, cylinders, kg, litres). */
  quantity: number | null;
  lat: number;
  lon: number;
  /** Positive or close contact: bags handed over by a crew with protective equipment. */
  protective?: boolean;
  /** Receiving hours of the need's corridor gate; absent or null: any time. */
  gate?: GateHours | null;
  /** What a collection need (a waste pickup) hands over; absent for the other kinds. */
  handed?: Handed;
}

/** A disposal site as a collection round plans with it. */
export interface SiteForPlan {
  id: string;
  lat: number;
  lon: number;
  /** Opening hours, minutes from midnight; null: always open. */
  opensMin: number | null;
  closesMin: number | null;
  capacityKg: number;
  unloadS: number;
}

/**
 * A collection round (its kind `collects`, src/domain/round.ts): the disposal sites its trips
 * unload at, and the skills every vehicle collecting must hold (the round kind's vehicleSkills).
 */
export interface Collection {
  sites: readonly SiteForPlan[];
  skills: readonly string[];
}

export interface VehicleForPlan {
  id: string;
  depotId: string;
  depotLat: number;
  depotLon: number;
  capacity: Record<string, number>;
  skills: string[];
  /** Trips per shift, reloading at the depot in between. Default 1. */
  maxTrips?: number;
  /** Seconds at the depot between two trips. Default 0. */
  reloadS?: number;
  /** The licence class its driver must hold; null or absent: any. */
  licenceClass?: string | null;
  /**
   * When it can be planned, from its drivers' shifts (planning/shifts/vehicle-hours.ts): its shift,
   * pauses no trip may overlap (handovers, unstaffed stretches), its longest trip (the longest stretch
   * between handovers: the continuous driving limit is the driver assignment's). Absent: the
   * round's fixed shift (0 to SHIFT_S), as before rosters.
   */
  hours?: { shift: readonly [number, number]; pauses: readonly (readonly [number, number])[]; stretchS: number } | null;
}

/** Bags, kg and gas cylinders of one need (its kind's load, need-kinds.ts). */
export const demandOf = (need: NeedDemand): Load => needKindSpec(need.kind).load(need.quantity, need.members, need.handed ?? null);

/** What a need's load follows from. */
export type NeedDemand = Pick<NeedForPlan, 'kind' | 'quantity' | 'members' | 'handed'>;

/** Routing priority class of one need (its kind's rule, need-kinds.ts). */
export const priorityOf = (need: Pick<NeedForPlan, 'kind' | 'urgency'>): Priority => needKindSpec(need.kind).priority(need.urgency);

/** Shift of every vehicle in seconds from the round's start: eight hours. */
export const SHIFT_S = ROUND_SHIFT_MIN * 60;
const UNLIMITED = 1e9;

export interface BuiltProblem {
  problem: Problem;
  /** Needs on each stop (same index as problem.stops). */
  stopNeeds: NeedForPlan[][];
}

/**
 * When a stop (the needs of one corridor) may be served, seconds from the round's start: its gate's
 * receiving hours, cut to the deadline of medicine due today (or emergency) on it. When the two do
 * not meet, the gate's hours stand and the deadline is reported missed (deadlineOf), the need is kept.
 * Undefined: any time in the shift.
 */
export function windowOf(needs: readonly NeedForPlan[]): readonly [number, number] | undefined {
  const gate = needs.find((n) => n.gate)?.gate;
  const from = gate?.fromMin ?? null;
  const until = gate?.untilMin ?? null;
  const deadline = deadlineOf(needs);
  if (from === null && until === null && deadline === undefined) return undefined;
  const lo = from === null ? 0 : roundSecondsAt(from);
  const hi = until === null ? SHIFT_S : roundSecondsAt(until);
  if (deadline !== undefined && deadline >= lo) return [lo, Math.min(hi, deadline)];
  return [lo, hi];
}

/** By when (seconds from the round's start) the stop's most urgent medicine is due; undefined: no deadline. */
export function deadlineOf(needs: readonly Pick<NeedForPlan, 'kind' | 'urgency'>[]): number | undefined {
  return needs.some((n) => priorityOf(n) <= 1) ? roundSecondsAt(DUE_TODAY_BY_MIN) : undefined;
}

/** The engine's stop for the needs of one corridor drop point (load, service time, priority, skills, window). */
export function stopFor(id: string, location: number, list: readonly NeedForPlan[], roundSkills: readonly string[] = []): Stop {
  const demand = DIMENSIONS.map(() => 0);
  for (const n of list) {
    const d = demandOf(n);
    DIMENSIONS.forEach((dim, k) => (demand[k]! += d[dim]));
  }
  const window = windowOf(list);
  return {
    id,
    location,
    demand: demand as Amounts,
    serviceTime: 120 + 15 * demand[0]!,
    priority: Math.min(...list.map(priorityOf)) as Priority,
    skills: [...roundSkills, ...(list.some((n) => n.protective) ? ['protective'] : [])],
    ...(window ? { window } : {}),
  };
}

/** The engine's vehicle for a fleet record whose depot is `depot` (an index into Problem.depots). */
export function vehicleFor(v: VehicleForPlan, depot: number, collects = false): Vehicle {
  return {
    id: v.id,
    depot,
    // A dimension the vehicle record does not state does not limit it.
    capacity: DIMENSIONS.map((d) => capacityOf(v.capacity, d) ?? UNLIMITED),
    shift: v.hours?.shift ?? ([0, SHIFT_S] as const),
    ...(v.hours ? { maxDuration: v.hours.stretchS, ...(v.hours.pauses.length ? { pauses: v.hours.pauses } : {}) } : {}),
    skills: v.skills,
    // A collecting vehicle empties at a disposal site (its unload time), not at the depot.
    ...((v.maxTrips ?? 1) > 1 ? { maxTrips: v.maxTrips, ...(collects ? {} : { reloadTime: v.reloadS ?? 0 }) } : {}),
  };
}

/** Search time per stop of a sub-problem, ms, and the least any sub-problem gets (searchBudgetMs). */
export const SEARCH_MS_PER_STOP = 10;
export const SEARCH_MIN_MS = 400;

/**
 * How long one sub-problem is searched: SEARCH_MS_PER_STOP for each of its stops, at least
 * SEARCH_MIN_MS, at most `capMs` (the round's budget per sub-problem). A community of 40 gates
 * settles well within half a second: on the full-scale district day's food round (sub-problems of
 * 41-42 gates, one or two vehicles), 16 sub-problems, two seeds each, cost 0.08% more in 400 ms than in
 * 840 ms and left the same stops unserved (200 ms: 1.5 more); giving each of a district's 120
 * communities the whole budget kept its food round waiting 120 x 10 s on 2 workers (issue #21).
 */
export function searchBudgetMs(stops: number, capMs: number): number {
  return Math.min(capMs, Math.max(SEARCH_MIN_MS, stops * SEARCH_MS_PER_STOP));
}

/** The corridor gate of a drop point: the mean position of the households whose needs it carries. */
export const gatePoint = (list: readonly NeedForPlan[]): { lat: number; lon: number } => ({ lat: mean(list.map((n) => n.lat)), lon: mean(list.map((n) => n.lon)) });

export function buildProblem(needs: NeedForPlan[], vehicles: VehicleForPlan[], collection?: Collection): BuiltProblem {
  const byCorridor = new Map<string, NeedForPlan[]>();
  for (const n of needs) byCorridor.set(n.corridorId, [...(byCorridor.get(n.corridorId) ?? []), n]);
  const depotIds = [...new Set(vehicles.map((v) => v.depotId))];
  const points: { lat: number; lon: number }[] = depotIds.map((id) => {
    const v = vehicles.find((x) => x.depotId === id)!;
    return { lat: v.depotLat, lon: v.depotLon };
  });
  const stopNeeds: NeedForPlan[][] = [];
  const stops = [...byCorridor.entries()].map(([corridorId, list]) => {
    points.push(gatePoint(list));
    stopNeeds.push(list);
    return stopFor(corridorId, points.length - 1, list, collection?.skills);
  });
  const problem: Problem = {
    dimensions: DIMENSIONS,
    depots: depotIds.map((id, i) => ({ id, location: i })),
    stops,
    vehicles: vehicles.map((v) => vehicleFor(v, depotIds.indexOf(v.depotId), collection !== undefined)),
    travel: { kind: 'geo', points },
    ...(collection ? { sites: collection.sites.map((s) => siteFor(s, points.push({ lat: s.lat, lon: s.lon }) - 1)) } : {}),
  };
  return { problem, stopNeeds };
}

/** The engine's disposal site: hours on the round's clock, daily capacity in kg (other dimensions unlimited). */
export function siteFor(s: SiteForPlan, location: number): DisposalSite {
  return {
    id: s.id, location, unloadTime: s.unloadS,
    capacity: DIMENSIONS.map((d) => (d === 'kg' ? s.capacityKg : UNLIMITED)),
    ...(s.opensMin !== null || s.closesMin !== null ? { hours: [roundSecondsAt(s.opensMin ?? 0), roundSecondsAt(s.closesMin ?? 24 * 60)] as const } : {}),
  };
}

/** Every bag of a need, with ids stable across retries (need id + ordinal). */
export function bagsOf(need: NeedForPlan): { bagId: string; needId: string; item: string }[] {
  const d = demandOf(need);
  const count = Math.max(1, d.bags + d.cylinders);
  return Array.from({ length: count }, (_, i) => ({ bagId: `${need.id}-${i + 1}`, needId: need.id, item: need.kind }));
}

/**
 * The engine's routes as stored trips: every trip of a vehicle is its own batch, numbered 1, 2, ...
 * in the order they leave the depot. `subproblemOf` names the sub-problem a vehicle was planned in
 * (a string: one sub-problem; a function: a merged district plan).
 */
export function toPlanPieces(
  built: BuiltProblem, vehicles: readonly VehicleForPlan[], solution: Solution, subproblemOf: string | ((vehicleId: string) => string),
): { trips: PlanTrip[]; unserved: PlanUnserved[] } {
  const shiftStart = (r: PlannedRoute): number => built.problem.vehicles[r.vehicle]?.shift?.[0] ?? 0;
  const departure = (r: PlannedRoute): number => r.departure ?? shiftStart(r);
  const routes = solution.routes.filter((r) => r.stops.length)
    .sort((a, b) => a.vehicle - b.vehicle || departure(a) - departure(b) || (a.trip ?? 0) - (b.trip ?? 0));
  const trips: PlanTrip[] = routes.map((r, i) => {
    const v = vehicles[r.vehicle]!;
    const leaves = leavesAt(built.problem, r, departure(r));
    let tripNo = 1;
    for (let j = i - 1; j >= 0 && routes[j]!.vehicle === r.vehicle; j--) tripNo++;
    const subproblemId = typeof subproblemOf === 'string' ? subproblemOf : subproblemOf(v.id);
    return {
      id: `${subproblemId}-${v.id}-${tripNo}`,
      vehicleId: v.id,
      depotId: v.depotId,
      tripNo,
      subproblemId,
      distanceM: r.distance,
      durationS: departure(r) + r.duration - leaves,
      departS: leaves,
      stops: r.stops.map((s, k) => ({
        corridorId: built.problem.stops[s]!.id,
        plannedStartS: r.starts[k] ?? 0,
        bags: built.stopNeeds[s]!.flatMap(bagsOf),
      })),
      ...(r.unload ? { unload: { siteId: built.problem.sites![r.unload.site]!.id, startS: r.unload.start } } : {}),
    };
  });
  const unserved: PlanUnserved[] = solution.unserved.flatMap((u) => built.stopNeeds[u.stop]!.map((n) => ({ needId: n.id, reason: u.reason })));
  return { trips, unserved };
}

/**
 * When a delivery trip leaves its depot: no earlier than it must to reach its first stop as planned.
 * The engine departs at the first moment the vehicle is free and waits at a gate not open yet; the
 * van waits at the depot instead, so a driver is not counted on the road for it (the driving limits,
 * planning/shifts). Every stop keeps its start. A collection trip keeps its departure (it may leave a
 * disposal site).
 */
function leavesAt(problem: Problem, r: PlannedRoute, departure: number): number {
  const first = r.stops[0];
  if (r.unload || first === undefined || r.starts[0] === undefined) return departure;
  const depot = problem.depots[problem.vehicles[r.vehicle]!.depot]!;
  return Math.max(departure, r.starts[0] - travelBetween(problem.travel, depot.location, problem.stops[first]!.location).time);
}

/** A Problem's stops by id, built once per Problem: a district's merge asks for each of its 450 trips (5,000 stops each time, 0.3 s). */
const stopsById = new WeakMap<Problem, Map<string, Stop>>();
function stopById(problem: Problem): Map<string, Stop> {
  let byId = stopsById.get(problem);
  if (!byId) stopsById.set(problem, byId = new Map(problem.stops.map((s) => [s.id, s])));
  return byId;
}

/** Where a trip of the plan waits at a gate not open yet ([from, to], s from the round's start), timed as the validator times it; `trips`: the plan's, for where a collection trip leaves from. */
export function waitsOnTrip(built: BuiltProblem, trip: PlanTrip, trips: readonly PlanTrip[] = []): [number, number][] {
  const { problem } = built;
  const depot = problem.depots.find((d) => d.id === trip.depotId);
  if (!depot) return [];
  // A collection truck's later trip leaves the disposal site of its previous one, as the plan
  // validator walks it (stored-plan.ts). Counted as driving, a truck's waits for its gates made trips
  // no driver could take without a break, and their pickups were left 'no-driver'.
  const before = trip.unload && trip.tripNo > 1 ? trips.find((x) => x.vehicleId === trip.vehicleId && x.tripNo === trip.tripNo - 1) : undefined;
  const site = before?.unload ? problem.sites?.find((x) => x.id === before.unload!.siteId) : undefined;
  if (trip.unload && trip.tripNo > 1 && !site) return [];
  const stopOf = stopById(problem);
  const out: [number, number][] = [];
  let t = trip.departS ?? 0;
  let prev = site ? site.location : depot.location;
  for (const ps of trip.stops) {
    const s = stopOf.get(ps.corridorId);
    if (!s) return out;
    const arrive = t + travelBetween(problem.travel, prev, s.location).time;
    t = Math.max(arrive, s.window?.[0] ?? -Infinity);
    if (t > arrive) out.push([arrive, t]);
    t += s.serviceTime ?? 0;
    prev = s.location;
  }
  return out;
}

/** Fleet records name dimensions their own way (the demo fleet says packages and weight_kg). */
const ALIASES: Record<(typeof DIMENSIONS)[number], readonly string[]> = {
  bags: ['bags', 'packages'],
  kg: ['kg', 'weight_kg'],
  cylinders: ['cylinders', 'gas_cylinders'],
  litres: ['litres', 'volume_l'],
};

export function capacityOf(capacity: Record<string, number>, dim: (typeof DIMENSIONS)[number]): number | undefined {
  for (const key of ALIASES[dim]) if (typeof capacity[key] === 'number') return capacity[key];
  return undefined;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
