/**
 * Drivers on shift, as the planner sees them (issue #18, item 3). Times are seconds on the round's
 * clock (0 s is 08:00 of the round's day, src/domain/gate-hours.ts), so a shift from 06:00 starts at
 * -7200. Pure data: the store reads the roster, src/planning/shifts decides.
 */

/** One rostered shift of a driver. Two shifts of one driver that touch are one unbroken duty. */
export interface Duty {
  driverId: string;
  /**
   * Which vehicles this duty may drive: those of the same pool. A depot with shift templates is its
   * own pool; the drivers of depots without any share one (the behaviour before rosters: any free
   * driver, one of the vehicle's depot first).
   */
  pool: string;
  /** The driver's depot (a trip of this depot prefers this duty). */
  depotId: string;
  start: number;
  end: number;
  licences: readonly string[];
  /** The vehicle the dispatcher put the driver on for this shift; the planner prefers it. */
  vehicleId?: string | null;
}

/** A trip to drive: one vehicle, on the road from `start` until `end` (back at the depot or done unloading). */
export interface TripToDrive {
  id: string;
  vehicleId: string;
  depotId: string;
  pool: string;
  start: number;
  end: number;
  /** The licence class the vehicle asks of its driver; null: any driver. */
  licence: string | null;
  /** Spans of the trip spent waiting at a gate not open yet: not driving (one at least the minimum break is a break). Default none. */
  waits?: readonly (readonly [number, number])[];
}

/** Limits in seconds (src/domain/shifts.ts DriverLimits, in minutes, converted by `limitsInSeconds`). */
export interface DrivingLimits {
  maxDrivingS: number;
  maxContinuousS: number;
  minBreakS: number;
}

/** A trip the roster cannot cover, with the rule that stopped every driver (`driver`: nobody on shift over it). */
export interface Undriven {
  tripId: string;
  rule: string;
}

export interface DriverAssignment {
  /** Driver of each trip that has one. */
  driverOf: Map<string, string>;
  undriven: Undriven[];
}

export const limitsInSeconds = (l: { maxDrivingMin: number; maxContinuousMin: number; minBreakMin: number }): DrivingLimits => ({
  maxDrivingS: l.maxDrivingMin * 60, maxContinuousS: l.maxContinuousMin * 60, minBreakS: l.minBreakMin * 60,
});
