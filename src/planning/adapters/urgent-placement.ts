/**
 * Where an urgent stop may go in a stored plan without reshuffling it: every existing stop keeps its
 * trip and order; the new stop takes the cheapest position (by detour) that the plan validator
 * accepts, never before a stop already delivered or failed; else a trip of its own on a vehicle of the
 * round, after that vehicle's last trip is back and reloaded. Each candidate is checked on its
 * vehicle's trips with the full validator (every rule is per route or per vehicle, so this is the
 * whole check for that change); the caller validates the stored result once more. Pure.
 */
import { haversineMetres } from '../model/travel.matrix';
import { gatePoint, stopFor } from './round-problem';
import { checkStoredPlan, storedPlanProblem, stopTimings, tripReturns, type PlanRuleBreak, type StoredPlan, type StoredStop, type StoredTrip } from './stored-plan';

/** Geo travel's road factor (travel.matrix.ts default): detours in road metres. */
const ROAD_FACTOR = 1.3;
const PASSED = new Set(['delivered', 'failed']);

export type UrgentPlace =
  /** `plan`: the whole plan with the stop in place (for the caller's final check). */
  | { kind: 'stop'; tripId: string; index: number; startS: number; plan: StoredPlan }
  | { kind: 'trip'; vehicleId: string; tripNo: number; departS: number; startS: number; plan: StoredPlan }
  /** Nothing validates: `breaks` are the rules the cheapest position and the first dedicated trip would break. */
  | { kind: 'none'; breaks: PlanRuleBreak[] };

/** Candidates tried, cheapest first, before a dedicated trip (each costs one vehicle-sized validation). */
const MAX_TRIED = 200;

export function placeUrgentStop(plan: StoredPlan, stop: StoredStop, vehicleOrder: readonly string[]): UrgentPlace {
  const p = gatePoint(stop.needs);
  const depotOf = new Map(plan.vehicles.map((v) => [v.id, { lat: v.depotLat, lon: v.depotLon }]));
  const candidates: { trip: StoredTrip; index: number; detour: number }[] = [];
  // The validator's load and skill rules, checked per trip up front: positions on a trip without room
  // or equipment for the stop are never tried (each try validates the van's whole shift).
  const unfit = tripsWithoutRoom(plan, stop);
  let firstBreaks: PlanRuleBreak[] | undefined = unfit.size ? [[...unfit.values()][0]!] : undefined;
  for (const trip of plan.trips) {
    if (unfit.has(trip.id)) continue;
    const depot = depotOf.get(trip.vehicleId)!;
    const points = [depot, ...trip.stops.map((s) => (s.needs.length ? gatePoint(s.needs) : depot)), depot];
    let open = 0;
    trip.stops.forEach((s, i) => { if (s.status && PASSED.has(s.status)) open = i + 1; });
    for (let index = open; index <= trip.stops.length; index++) {
      const a = points[index]!;
      const b = points[index + 1]!;
      candidates.push({ trip, index, detour: metres(a, p) + metres(p, b) - metres(a, b) });
    }
  }
  candidates.sort((x, y) => x.detour - y.detour || (x.trip.id < y.trip.id ? -1 : x.trip.id > y.trip.id ? 1 : 0) || x.index - y.index);
  for (const c of candidates.slice(0, MAX_TRIED)) {
    const trip = { ...c.trip, stops: [...c.trip.stops.slice(0, c.index), stop, ...c.trip.stops.slice(c.index)] };
    const sub = vehiclePlan(plan, c.trip.vehicleId, trip);
    const check = checkStoredPlan(sub);
    if (check.ok) return { kind: 'stop', tripId: c.trip.id, index: c.index, startS: startOf(sub, trip.id, c.index), plan: { ...plan, trips: plan.trips.map((t) => (t.id === trip.id ? trip : t)) } };
    firstBreaks ??= check.breaks;
  }
  for (const vehicleId of vehicleOrder) {
    const own = plan.trips.filter((t) => t.vehicleId === vehicleId);
    const v = plan.vehicles.find((x) => x.id === vehicleId);
    if (!v) continue;
    const back = own.length ? Math.max(...tripReturns(vehiclePlan(plan, vehicleId)).values()) + (v.reloadS ?? 0) : 0;
    const trip: StoredTrip = { id: '', vehicleId, tripNo: Math.max(0, ...own.map((t) => t.tripNo)) + 1, departS: back, stops: [stop] };
    const sub = { trips: [...own, trip], vehicles: [v] };
    const check = checkStoredPlan(sub);
    if (check.ok) return { kind: 'trip', vehicleId, tripNo: trip.tripNo, departS: back, startS: startOf(sub, '', 0), plan: { ...plan, trips: [...plan.trips, trip] } };
    firstBreaks ??= check.breaks;
  }
  return { kind: 'none', breaks: firstBreaks ?? [] };
}

/** Trips whose van has no room (any dimension) or no equipment (skills) for the stop, with the rule each breaks. */
function tripsWithoutRoom(plan: StoredPlan, stop: StoredStop): Map<string, PlanRuleBreak> {
  const built = storedPlanProblem(plan);
  const extra = stopFor(stop.corridorId, 0, stop.needs);
  const out = new Map<string, PlanRuleBreak>();
  built.solution.routes.forEach((route, ri) => {
    const v = built.problem.vehicles[route.vehicle]!;
    const tripId = built.tripIds[ri]!;
    const skill = (extra.skills ?? []).find((k) => !(v.skills ?? []).includes(k));
    if (skill) return void out.set(tripId, { rule: `skill:${skill}`, message: `trip ${tripId}: vehicle ${v.id} lacks ${skill}`, tripId });
    built.problem.dimensions.forEach((dim, k) => {
      const load = route.stops.reduce((sum, si) => sum + built.problem.stops[si]!.demand[k]!, 0) + extra.demand[k]!;
      if (!out.has(tripId) && load > v.capacity[k]! + 1e-6) out.set(tripId, { rule: `capacity:${dim}`, message: `trip ${tripId}: ${dim} load ${load} exceeds capacity ${v.capacity[k]}`, tripId });
    });
  });
  return out;
}

/** The vehicle's trips (one of them replaced by `changed`, matched by id) with just that vehicle. */
function vehiclePlan(plan: StoredPlan, vehicleId: string, changed?: StoredTrip): StoredPlan {
  return {
    trips: plan.trips.filter((t) => t.vehicleId === vehicleId).map((t) => (changed && t.id === changed.id ? changed : t)),
    vehicles: plan.vehicles.filter((v) => v.id === vehicleId),
  };
}

function startOf(plan: StoredPlan, tripId: string, index: number): number {
  return stopTimings(plan).filter((s) => s.tripId === tripId)[index]?.startS ?? 0;
}

const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => haversineMetres(a, b) * ROAD_FACTOR;
