/**
 * Driver shifts (issue #18, item 3): a depot's shift templates (06:00 for 8 h, ...), the roster that
 * puts drivers on them for a date, and the limits on a driver's hours that the roster and the planner
 * keep. The defaults follow the Chinese road transport rules (see README, "Driver shifts"); every
 * limit is a setting.
 */

/** Limits on one driver's time, in minutes. */
export interface DriverLimits {
  /** Most driving in a day (a round's day): trips on the road count whole. Default 480 (8 h). */
  maxDrivingMin: number;
  /** Most driving without a break of `minBreakMin`. Default 240 (4 h). */
  maxContinuousMin: number;
  /** A pause at least this long ends a stretch of continuous driving. Default 20. */
  minBreakMin: number;
  /** Most rostered duty in a day: the shifts a driver starts on one date, and one unbroken duty. Default 720 (12 h). */
  maxDutyMin: number;
  /** Least rest between two of a driver's duties (shifts that do not touch). Default 480 (8 h). */
  minRestMin: number;
}

export const DEFAULT_DRIVER_LIMITS: DriverLimits = Object.freeze({
  maxDrivingMin: 8 * 60, maxContinuousMin: 4 * 60, minBreakMin: 20, maxDutyMin: 12 * 60, minRestMin: 8 * 60,
});

/**
 * The rules a roster change (`roster:*`, 422 roster_rule_broken) or a plan's drivers (`driver*`, the
 * plan validator's, 409 plan_rule_broken) can break.
 */
export const DRIVER_RULES = [
  'roster:overlap', 'roster:duty-hours', 'roster:rest', 'roster:licence',
  'driver', 'driver:licence', 'driver:overlap', 'driver:hours', 'driver:continuous',
] as const;
export type DriverRule = (typeof DRIVER_RULES)[number];

/** A depot's shift: starts at `startMin` (minutes from local midnight) and lasts `lengthMin` (it may run past midnight). */
export interface ShiftTemplate {
  id: string;
  depotId: string;
  name: string;
  startMin: number;
  lengthMin: number;
  /** IANA zone the start is read in (the roster's zone when the template was made). */
  timeZone: string;
  active: boolean;
}

/** A driver on a template's shift of one date, with its concrete interval. */
export interface RosterEntry {
  id: string;
  driverId: string;
  templateId: string;
  depotId: string;
  /** The local date the shift starts on, YYYY-MM-DD. */
  date: string;
  startsAt: Date;
  endsAt: Date;
  /** The vehicle the driver should take, when the dispatcher says so; null: the planner chooses. */
  vehicleId: string | null;
}
