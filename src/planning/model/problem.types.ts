/**
 * The public shape of a routing problem and its solution. Everything is indexed by position
 * (stop i is problem.stops[i]) so the engine can work on dense arrays; ids are for the caller.
 * Units: time in seconds, distance in the travel source's unit (metres for geographic points).
 */

/** One number per entry of Problem.dimensions (e.g. bags, kg, litres, cylinders, seats). */
export type Amounts = readonly number[];

/** 0 emergency medicine, 1 medicine due today, 2 food, 3 other. */
export type Priority = 0 | 1 | 2 | 3;

export interface Stop {
  id: string;
  /** Row of this stop in the travel source (points or matrix). */
  location: number;
  demand: Amounts;
  /** Seconds spent at the stop; counted in route duration. Default 0. */
  serviceTime?: number;
  /** [earliest, latest] start of service. Default: always open. */
  window?: readonly [number, number];
  /** Default 3 (other). Higher priority stops are inserted first and dropped last when the fleet is short. */
  priority?: Priority;
  /** Skills the vehicle must have (cold chain, gas licence, seats...). Default none. */
  skills?: readonly string[];
}

export interface Depot {
  id: string;
  /** Row of this depot in the travel source: routes leave from here. */
  location: number;
  /**
   * Row where routes from this depot end, when not back at `location` (an open route, e.g. a
   * collection trip leaving the vehicle's depot and ending at a disposal site). Honoured by the
   * single-trip search and the validator; multi-trip chaining and decomposition assume closed
   * tours. Default: `location`.
   */
  end?: number;
}

/**
 * A place where collecting vehicles unload (a disposal site). When Problem.sites is given, every
 * stop is a pickup: see src/planning/collect/collect.solve.ts for the model.
 */
export interface DisposalSite {
  id: string;
  /** Row of this site in the travel source. */
  location: number;
  /** [open, close]: unloading starts within. Default: always open. */
  hours?: readonly [number, number];
  /** Most the site takes over the whole plan (a day), per entry of Problem.dimensions. Default: unlimited. */
  capacity?: Amounts;
  /** Seconds spent unloading. Default 0. */
  unloadTime?: number;
}

export interface Vehicle {
  id: string;
  /** Index into Problem.depots: the route starts and ends there. */
  depot: number;
  capacity: Amounts;
  /** [start, end]: leaves the depot at start at the earliest, back by end. Default: unbounded. */
  shift?: readonly [number, number];
  /** Longest route duration (travel + service + waiting). Default: unbounded. */
  maxDuration?: number;
  /** Cost per unit of distance (per metre with geographic points). Default 1. */
  costPerDistance?: number;
  /** Cost per hour of travel time. Default 0. */
  costPerHour?: number;
  /** Cost of using the vehicle at all. Default 0. */
  fixedCost?: number;
  skills?: readonly string[];
  /** Trips per shift (reload at the depot). solve() routes virtual copies, then chains their trips over the shift. Default 1. */
  maxTrips?: number;
  /** Seconds spent at the depot reloading between two trips. Default 0. */
  reloadTime?: number;
  /**
   * Spans no trip may overlap: [a, b] with a < b, nobody is on shift to drive; [h, h], a driver
   * handover at a shift change (a trip may end or leave at h, not run across it). Trips are chained
   * around them (routing/trips.assign.ts). Default none.
   */
  pauses?: readonly (readonly [number, number])[];
}

export type Travel =
  /** Supplied matrices, indexed by location. Duration defaults to distance (speed 1). */
  | { kind: 'matrix'; distance: readonly (readonly number[])[]; duration?: readonly (readonly number[])[] }
  /** Haversine metres times roadFactor (default 1.3); duration = distance / speed (m/s, default 8.33 = 30 km/h). */
  | { kind: 'geo'; points: readonly { lat: number; lon: number }[]; roadFactor?: number; speed?: number }
  /** TSPLIB EUC_2D; round = nearest integer as CVRPLIB does (default true); duration = distance / speed (default 1). */
  | { kind: 'euclid'; points: readonly { x: number; y: number }[]; round?: boolean; speed?: number };

export interface Problem {
  /** Names of the capacity dimensions; every demand and capacity has this length. */
  dimensions: readonly string[];
  depots: readonly Depot[];
  stops: readonly Stop[];
  vehicles: readonly Vehicle[];
  travel: Travel;
  /** Use at least this many vehicles (CVRPLIB A/B/P are solved with exactly k routes). Default 0. */
  minRoutes?: number;
  /**
   * Disposal sites: when given (even empty), the problem is a collection. Every stop is a pickup, a
   * route's load is what it has collected, every trip ends by unloading at a site and the next trip
   * of the vehicle starts there; the last trip drives back to the depot empty. Default: deliveries.
   */
  sites?: readonly DisposalSite[];
}

/** Where a collection trip unloads: index into Problem.sites and the start of unloading. */
export interface Unload {
  site: number;
  start: number;
}

export interface PlannedRoute {
  /** Index into Problem.vehicles. */
  vehicle: number;
  /** Indices into Problem.stops, in visiting order. */
  stops: number[];
  distance: number;
  /** Travel + service + waiting, from leaving the depot to coming back. */
  duration: number;
  cost: number;
  load: number[];
  /** Start of service at each stop. */
  starts: number[];
  /** Set when the vehicle makes several trips: 0-based trip number within its shift. */
  trip?: number;
  /** Leaves the depot at this time. Default: the start of the vehicle's shift (0 without shift). */
  departure?: number;
  /**
   * Collections only: the trip ends unloading here. A vehicle's first trip leaves its depot, a later
   * one the site its previous trip unloaded at (`departure` is then when it leaves that site); only
   * its last trip goes on to the depot, and `duration` and `distance` count that leg.
   */
  unload?: Unload;
}

export type UnservedReason =
  | 'no-vehicle-with-skills'
  | 'demand-exceeds-capacity'
  | 'time-window-unreachable'
  | 'fleet-exhausted'
  /** Routed as a trip that no vehicle's shift had room for once trips were chained. */
  | 'shift-exhausted'
  /** Collections: no disposal site open in time had room left for what the stop hands over. */
  | 'disposal-capacity';

export interface Unserved {
  stop: number;
  reason: UnservedReason;
}

export interface Solution {
  routes: PlannedRoute[];
  unserved: Unserved[];
  cost: number;
  distance: number;
}
