/**
 * A stored round plan (trips, stops in order, the needs on each stop, the vehicles, the gates'
 * hours) as the planning engine's Problem and Solution, so every change to a stored plan is checked
 * by the one validator (solution.validate.ts) with every rule the planner itself keeps: load per
 * dimension, skills, time windows, shifts, trips per vehicle and their reloads. Pure: the store
 * loads the plan (round-check.repository), the services refuse what breaks a rule.
 *
 * Each stored stop is its own engine stop (two stops of one corridor stay two), placed, loaded and
 * timed as buildProblem does for the needs it carries, so a plan the planner made validates here.
 */
import type { PlannedRoute, Problem, Solution, Stop } from '../model/problem.types';
import { travelBetween } from '../model/travel.matrix';
import { validateSolution, type Violation } from '../validate/solution.validate';
import { assignDrivers } from '../shifts/driver.assign';
import { checkDrivers } from '../shifts/driver.check';
import type { TripToDrive } from '../shifts/shift.types';
import { tripToDrive, type PlanRoster } from './plan-drivers';
import { deadlineOf, DIMENSIONS, gatePoint, siteFor, stopFor, vehicleFor, type Collection, type NeedForPlan, type VehicleForPlan } from './round-problem';

export interface StoredStop {
  /** The stored stop's id ('' for a stop not stored yet, e.g. a candidate insertion). */
  id: string;
  corridorId: string;
  /** Every need with bags on the stop. */
  needs: readonly NeedForPlan[];
  /** The stop's delivery status (pending, loaded, delivered, failed...); a new stop has none. */
  status?: string;
}

export interface StoredTrip {
  id: string;
  vehicleId: string;
  tripNo: number;
  /** Leaves the depot (a later waste trip: its previous unload site), seconds from the round's start. */
  departS: number;
  stops: readonly StoredStop[];
  /** A waste trip's unload: site and start, s from the round's start. */
  unload?: { siteId: string; startS: number };
}

export interface StoredPlan {
  trips: readonly StoredTrip[];
  /** Every vehicle a trip names (others are ignored). */
  vehicles: readonly VehicleForPlan[];
  /** A collection round's sites and skills: the plan is checked with the collection rules (unloads, site hours and capacity). */
  collection?: Collection;
  /**
   * The round's roster and each trip's driver (by trip id; a trip missing or null has none): the plan
   * is checked with the driver rules too (planning/shifts/driver.check.ts). Absent: a round from
   * before rosters, its drivers unchecked.
   */
  drivers?: { roster: PlanRoster; driverOf: ReadonlyMap<string, string | null> };
}

export interface StoredPlanProblem {
  problem: Problem;
  solution: Solution;
  /** Trip and stored stop of each engine stop (same index as problem.stops). */
  stopRefs: { tripId: string; stopId: string; corridorId: string }[];
  /** Trip of each route (same index as solution.routes). */
  tripIds: string[];
}

/** A broken rule of a stored plan, with the trip and stop it is on when it is on one. */
export interface PlanRuleBreak {
  /** As the validator names it: `capacity:kg`, `skill:protective`, `time-window`, `shift`, `trips`, ... */
  rule: string;
  message: string;
  tripId?: string;
  stopId?: string;
}

export interface StoredPlanCheck {
  ok: boolean;
  breaks: PlanRuleBreak[];
}

export function storedPlanProblem(plan: StoredPlan): StoredPlanProblem {
  const used = new Set(plan.trips.map((t) => t.vehicleId));
  const vehicles = plan.vehicles.filter((v) => used.has(v.id));
  const missing = [...used].filter((id) => !vehicles.some((v) => v.id === id));
  if (missing.length) throw new RangeError(`stored plan names vehicles it was not given: ${missing.join(', ')}`);
  const depotIds = [...new Set(vehicles.map((v) => v.depotId))];
  const points: { lat: number; lon: number }[] = depotIds.map((id) => {
    const v = vehicles.find((x) => x.depotId === id)!;
    return { lat: v.depotLat, lon: v.depotLon };
  });
  const vehicleIndex = new Map(vehicles.map((v, i) => [v.id, i]));
  const stops: Stop[] = [];
  const stopRefs: StoredPlanProblem['stopRefs'] = [];
  const routes: PlannedRoute[] = plan.trips.map((t) => {
    const vi = vehicleIndex.get(t.vehicleId)!;
    const at = t.stops.map((s) => {
      // A stop with no need left (should not be stored) weighs nothing and stands at its depot.
      points.push(s.needs.length ? gatePoint(s.needs) : points[depotIds.indexOf(vehicles[vi]!.depotId)]!);
      stops.push(s.needs.length ? stopFor(s.corridorId, points.length - 1, s.needs, plan.collection?.skills) : { id: s.corridorId, location: points.length - 1, demand: DIMENSIONS.map(() => 0) });
      stopRefs.push({ tripId: t.id, stopId: s.id, corridorId: s.corridorId });
      return stops.length - 1;
    });
    const site = t.unload ? (plan.collection?.sites ?? []).findIndex((x) => x.id === t.unload!.siteId) : -1;
    return {
      vehicle: vi, stops: at, distance: 0, duration: 0, cost: 0, load: DIMENSIONS.map(() => 0), starts: [],
      trip: t.tripNo - 1, departure: t.departS,
      // A site the round no longer knows is left out: the validator then names the trip's missing unload.
      ...(t.unload && site >= 0 ? { unload: { site, start: t.unload.startS } } : {}),
    };
  });
  const problem: Problem = {
    dimensions: DIMENSIONS,
    depots: depotIds.map((id, i) => ({ id, location: i })),
    stops,
    vehicles: vehicles.map((v) => vehicleFor(v, depotIds.indexOf(v.depotId), plan.collection !== undefined)),
    travel: { kind: 'geo', points },
    ...(plan.collection ? { sites: plan.collection.sites.map((s) => siteFor(s, points.push({ lat: s.lat, lon: s.lon }) - 1)) } : {}),
  };
  return { problem, solution: { routes, unserved: [], cost: 0, distance: 0 }, stopRefs, tripIds: plan.trips.map((t) => t.id) };
}

/** Every rule the stored plan breaks (none: ok). */
export function checkStoredPlan(plan: StoredPlan): StoredPlanCheck {
  const built = storedPlanProblem(plan);
  const report = validateSolution(built.problem, built.solution);
  const breaks = report.issues.map((v) => locate(built, v));
  if (plan.drivers) {
    const trips = tripsToDrive(plan, built, plan.drivers.roster);
    breaks.push(...checkDrivers(trips, plan.drivers.driverOf, plan.drivers.roster.duties, plan.drivers.roster.limits).map((v) => ({ rule: v.rule, message: v.message, tripId: v.tripId })));
  }
  return { ok: breaks.length === 0, breaks };
}

/** The plan's trips on the road from departure until back (or done unloading), as the driver rules read them. */
function tripsToDrive(plan: StoredPlan, built: StoredPlanProblem, roster: PlanRoster): TripToDrive[] {
  const waits = plan.trips.map((): [number, number][] => []);
  const ends = walk(built, undefined, (ri, from, to) => waits[ri]!.push([from, to]));
  const byId = new Map(plan.vehicles.map((v) => [v.id, v]));
  return plan.trips.map((t, i) => {
    const v = byId.get(t.vehicleId)!;
    return { ...tripToDrive(roster, { id: t.id, vehicleId: t.vehicleId, depotId: v.depotId, departS: t.departS, durationS: 0 }, ends[i], v.licenceClass ?? null), waits: waits[i]! };
  });
}

/**
 * The plan with a driver for trip `tripId` (a new one: an urgent trip of its own), chosen as the
 * planner chooses, the other trips keeping theirs; the plan unchanged when no driver can take it
 * (its check then names the rule).
 */
export function withDriverFor(plan: StoredPlan, tripId: string): StoredPlan {
  if (!plan.drivers) return plan;
  const built = storedPlanProblem(plan);
  const fixed = new Map([...plan.drivers.driverOf].flatMap(([id, d]) => (d && id !== tripId ? [[id, d] as const] : [])));
  const { driverOf } = assignDrivers(tripsToDrive(plan, built, plan.drivers.roster), plan.drivers.roster.duties, plan.drivers.roster.limits, fixed);
  const driver = driverOf.get(tripId);
  return driver ? { ...plan, drivers: { ...plan.drivers, driverOf: new Map([...plan.drivers.driverOf, [tripId, driver]]) } } : plan;
}

function locate(built: StoredPlanProblem, v: Violation): PlanRuleBreak {
  const stop = v.stop === undefined ? undefined : built.stopRefs[v.stop];
  const tripId = stop?.tripId ?? (v.route === undefined ? undefined : built.tripIds[v.route]);
  return { rule: v.rule, message: v.message, ...(tripId !== undefined ? { tripId } : {}), ...(stop?.stopId ? { stopId: stop.stopId } : {}) };
}

/** When each stop is served and what it had to meet, for the proposal view. */
export interface StopTiming {
  tripId: string;
  stopId: string;
  /** Start of service recomputed from the trip's departure (waiting for the window included), s from the round's start. */
  startS: number;
  /** [earliest, latest] start of service, s from the round's start; null: any time in the shift. */
  window: readonly [number, number] | null;
  /** Served after its window closes (the validator refuses such a plan: should not happen). */
  late: boolean;
  /** Deadline of medicine due today on the stop, s from the round's start; null: none. */
  deadlineS: number | null;
  /** Served after that deadline (possible when the gate opens after it: the gate's hours stand). */
  deadlineMissed: boolean;
}

/** Service start of every stop of the stored plan, with its window and deadline. */
export function stopTimings(plan: StoredPlan): StopTiming[] {
  const built = storedPlanProblem(plan);
  const needsOf = plan.trips.flatMap((t) => t.stops.map((s) => s.needs));
  const out: StopTiming[] = [];
  walk(built, (si, t) => {
    const s = built.problem.stops[si]!;
    const deadline = deadlineOf(needsOf[si]!);
    const ref = built.stopRefs[si]!;
    out.push({
      tripId: ref.tripId, stopId: ref.stopId, startS: t, window: s.window ?? null, late: s.window !== undefined && t > s.window[1] + EPS,
      deadlineS: deadline ?? null, deadlineMissed: deadline !== undefined && t > deadline + EPS,
    });
  });
  return out;
}

/** When each trip is back at its depot, s from the round's start (by trip id). */
export function tripReturns(plan: StoredPlan): Map<string, number> {
  const built = storedPlanProblem(plan);
  return new Map(walk(built).map((end, ri) => [built.tripIds[ri]!, end]));
}

const EPS = 1e-6;

/**
 * Times every route as the validator does (travel, waiting for a window, service); returns each route's
 * return time (a waste trip's: when its unload ends, its next trip leaving from that site).
 */
function walk(built: StoredPlanProblem, onStop: (stop: number, startS: number) => void = () => undefined, onWait: (route: number, from: number, to: number) => void = () => undefined): number[] {
  const { problem } = built;
  const atSite = new Map<number, number>();
  return built.solution.routes.map((route, ri) => {
    const depot = problem.depots[problem.vehicles[route.vehicle]!.depot]!;
    let t = route.departure ?? 0;
    let prev = atSite.get(route.vehicle) ?? depot.location;
    for (const si of route.stops) {
      const s = problem.stops[si]!;
      const arrive = t + travelBetween(problem.travel, prev, s.location).time;
      t = Math.max(arrive, s.window?.[0] ?? -Infinity);
      if (t > arrive) onWait(ri, arrive, t);
      onStop(si, t);
      t += s.serviceTime ?? 0;
      prev = s.location;
    }
    const site = route.unload && problem.sites?.[route.unload.site];
    if (site) {
      atSite.set(route.vehicle, site.location);
      return Math.max(t + travelBetween(problem.travel, prev, site.location).time, site.hours?.[0] ?? -Infinity) + (site.unloadTime ?? 0);
    }
    return t + travelBetween(problem.travel, prev, depot.location).time;
  });
}
