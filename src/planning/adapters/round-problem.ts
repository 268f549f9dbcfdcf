/**
 * Turns the needs and vehicles of one sub-problem into a routing Problem, and the engine's
 * Solution back into trips, stops and bag manifests. Pure: the caller loads and stores.
 *
 * A stop is a corridor drop point: every need of a corridor travels on the same stop, and the
 * bags go on to each door on foot. Medicine details are never read: a medicine need is one bag.
 */
import type { Urgency } from '../../domain/kinds';
import { LOAD_DIMENSIONS, needKindSpec, type Load, type NeedKind } from '../../domain/need-kinds';
import type { Amounts, PlannedRoute, Priority, Problem, Solution } from '../model/problem.types';
import type { PlanTrip, PlanUnserved } from '../../domain/round-plan';

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
}

/** Bags, kg and gas cylinders of one need (its kind's load, need-kinds.ts). */
export const demandOf = (need: NeedForPlan): Load => needKindSpec(need.kind).load(need.quantity, need.members);

/** Routing priority class of one need (its kind's rule, need-kinds.ts). */
export const priorityOf = (need: Pick<NeedForPlan, 'kind' | 'urgency'>): Priority => needKindSpec(need.kind).priority(need.urgency);

/** Shift of every vehicle in seconds from the round's start: eight hours. */
export const SHIFT_S = 8 * 3600;
const UNLIMITED = 1e9;

export interface BuiltProblem {
  problem: Problem;
  /** Needs on each stop (same index as problem.stops). */
  stopNeeds: NeedForPlan[][];
}

export function buildProblem(needs: NeedForPlan[], vehicles: VehicleForPlan[]): BuiltProblem {
  const byCorridor = new Map<string, NeedForPlan[]>();
  for (const n of needs) byCorridor.set(n.corridorId, [...(byCorridor.get(n.corridorId) ?? []), n]);
  const depotIds = [...new Set(vehicles.map((v) => v.depotId))];
  const points: { lat: number; lon: number }[] = depotIds.map((id) => {
    const v = vehicles.find((x) => x.depotId === id)!;
    return { lat: v.depotLat, lon: v.depotLon };
  });
  const stopNeeds: NeedForPlan[][] = [];
  const stops = [...byCorridor.entries()].map(([corridorId, list]) => {
    const total = { bags: 0, kg: 0, cylinders: 0 };
    for (const n of list) {
      const d = demandOf(n);
      total.bags += d.bags; total.kg += d.kg; total.cylinders += d.cylinders;
    }
    // The corridor gate: the mean position of its households.
    points.push({ lat: mean(list.map((n) => n.lat)), lon: mean(list.map((n) => n.lon)) });
    stopNeeds.push(list);
    return {
      id: corridorId,
      location: points.length - 1,
      demand: [total.bags, total.kg, total.cylinders] as Amounts,
      serviceTime: 120 + 15 * total.bags,
      priority: Math.min(...list.map(priorityOf)) as Priority,
      skills: list.some((n) => n.protective) ? ['protective'] : [],
    };
  });
  const problem: Problem = {
    dimensions: DIMENSIONS,
    depots: depotIds.map((id, i) => ({ id, location: i })),
    stops,
    vehicles: vehicles.map((v) => ({
      id: v.id,
      depot: depotIds.indexOf(v.depotId),
      // A dimension the vehicle record does not state does not limit it.
      capacity: DIMENSIONS.map((d) => capacityOf(v.capacity, d) ?? UNLIMITED),
      shift: [0, SHIFT_S] as const,
      skills: v.skills,
      ...((v.maxTrips ?? 1) > 1 ? { maxTrips: v.maxTrips, reloadTime: v.reloadS ?? 0 } : {}),
    })),
    travel: { kind: 'geo', points },
  };
  return { problem, stopNeeds };
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
      durationS: r.duration,
      departS: departure(r),
      stops: r.stops.map((s, k) => ({
        corridorId: built.problem.stops[s]!.id,
        plannedStartS: r.starts[k] ?? 0,
        bags: built.stopNeeds[s]!.flatMap(bagsOf),
      })),
    };
  });
  const unserved: PlanUnserved[] = solution.unserved.flatMap((u) => built.stopNeeds[u.stop]!.map((n) => ({ needId: n.id, reason: u.reason })));
  return { trips, unserved };
}

/** Fleet records name dimensions their own way (the demo fleet says packages and weight_kg). */
const ALIASES: Record<(typeof DIMENSIONS)[number], readonly string[]> = {
  bags: ['bags', 'packages'],
  kg: ['kg', 'weight_kg'],
  cylinders: ['cylinders', 'gas_cylinders'],
};

export function capacityOf(capacity: Record<string, number>, dim: (typeof DIMENSIONS)[number]): number | undefined {
  for (const key of ALIASES[dim]) if (typeof capacity[key] === 'number') return capacity[key];
  return undefined;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
