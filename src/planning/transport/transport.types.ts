/**
 * Passenger transport as a pickup-and-delivery problem: each request is picked up at one point
 * and dropped at another, within its time window, on a vehicle with the seats and skills it needs.
 * Times are seconds from an epoch the caller chooses (e.g. "now"); distances are metres.
 */

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface TransportRequest {
  id: string;
  pickup: GeoPoint;
  drop: GeoPoint;
  /** Not picked up before this. */
  earliestPickupS: number;
  /** Dropped by this (the appointment time for an outbound trip). */
  latestDropS: number;
  /** Seats taken while on board; 0 for goods. */
  seats: number;
  wheelchair: boolean;
  escort: boolean;
  /** Positive case or close contact: rides alone, never with goods or other passengers. */
  isolated: boolean;
  /** Goods (e.g. emergency medicine): may share with passengers, never with an isolated one. */
  goods: boolean;
  /** Emergency: the planner minimises the drop time instead of the added distance. */
  urgent?: boolean;
  /** Longest time on board, pickup to drop. Default: direct time x maxRideFactor + maxRideSlackS. */
  maxRideS?: number;
}

export interface TransportVehicle {
  id: string;
  driverId: string | null;
  /** Where the vehicle is when it becomes available (its depot). */
  start: GeoPoint;
  seats: number;
  /** e.g. 'wheelchair', 'escort'. */
  skills: readonly string[];
  availableFromS: number;
  shiftEndS: number;
}

export type StopType = 'pickup' | 'drop';

export interface TripStop {
  requestId: string;
  type: StopType;
}

/** A trip already planned (possibly under way): its first `lockedStops` stops are fixed. */
export interface ExistingTrip {
  id: string;
  vehicleId: string;
  startS: number;
  start: GeoPoint;
  stops: readonly TripStop[];
  /** Stops already served or under way: nothing is inserted before them. Default 0. */
  lockedStops?: number;
  /** The trip also carries goods from a round: no isolated passenger may join it. */
  hasGoods?: boolean;
}

export interface PlannedStop extends TripStop {
  /** Start of service (after any wait for the earliest pickup). */
  atS: number;
}

export interface PlannedTrip {
  id: string;
  vehicleId: string;
  driverId: string | null;
  startS: number;
  start: GeoPoint;
  stops: PlannedStop[];
  distanceM: number;
  endS: number;
  /** Made by this call (a dedicated trip). */
  created: boolean;
  /** An existing trip that got new stops. */
  changed: boolean;
}

export type TransportUnservedReason =
  | 'no-vehicle-with-seats'
  | 'no-vehicle-with-skills'
  | 'appointment-unreachable'
  | 'ride-time-exceeded'
  | 'shift-ended';

export interface TransportPlan {
  trips: PlannedTrip[];
  assignments: { requestId: string; tripId: string }[];
  unserved: { requestId: string; reason: TransportUnservedReason }[];
}

export interface TransportOptions {
  /** m/s. Default 8.33 (30 km/h). */
  speedMps?: number;
  /** Haversine times this. Default 1.3. */
  roadFactor?: number;
  /** Seconds at a stop. Default 180. */
  serviceS?: number;
  /** Seconds at a stop with a wheelchair. Default 420. */
  wheelchairServiceS?: number;
  /** Default longest ride: direct time times this... Default 1.5. */
  maxRideFactor?: number;
  /** ...plus this many seconds. Default 900. */
  maxRideSlackS?: number;
  /** A dedicated trip costs this many metres more than an insertion (keeps vehicles together). Default 3000. */
  newTripCostM?: number;
  /** Ids of new trips, in creation order. Default `new-1`, `new-2`... */
  newTripId?: (n: number) => string;
}

export interface TransportInput {
  vehicles: readonly TransportVehicle[];
  trips: readonly ExistingTrip[];
  /** Requests already on the existing trips (their data is needed to re-time the trips). */
  assigned: readonly TransportRequest[];
  /** Requests to place now. */
  pending: readonly TransportRequest[];
  options?: TransportOptions;
}
