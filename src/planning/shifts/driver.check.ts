/**
 * The driver rules of a plan, checked independently of how drivers were chosen (the assignment in
 * driver.assign.ts, a dispatcher's change, an urgent trip). A plan keeps them when:
 *
 * - `driver`: every trip has a driver, and one of that driver's duties (shifts, touching ones joined)
 *   covers the trip from departure to return: a trip never runs across the end of its driver's shift;
 * - `driver:licence`: the driver holds the licence class the vehicle asks;
 * - `driver:overlap`: a driver is on one trip at a time;
 * - `driver:hours`: a driver's driving in the day adds up to at most the daily driving limit;
 * - `driver:continuous`: driving separated by less than the minimum break is one stretch, and no
 *   stretch exceeds the continuous driving limit.
 *
 * Time on a trip counts as driving (stops included: the limits are kept with room to spare), except
 * waiting at a gate not open yet.
 */
import { dutyOver, holdsLicence, mergedDuties } from './duty';
import type { Duty, DrivingLimits, TripToDrive } from './shift.types';

export interface DriverViolation {
  rule: 'driver' | 'driver:licence' | 'driver:overlap' | 'driver:hours' | 'driver:continuous';
  tripId: string;
  message: string;
}

const EPS = 1e-6;

/** Every driver rule the trips with their drivers break (none: ok). `driverOf` by trip id; a trip missing from it has no driver. */
export function checkDrivers(
  trips: readonly TripToDrive[], driverOf: ReadonlyMap<string, string | null>, duties: readonly Duty[], limits: DrivingLimits,
): DriverViolation[] {
  const out: DriverViolation[] = [];
  const dutiesOf = mergedDuties(duties);
  const byDriver = new Map<string, TripToDrive[]>();
  for (const t of trips) {
    const driverId = driverOf.get(t.id) ?? null;
    if (driverId === null) {
      out.push({ rule: 'driver', tripId: t.id, message: `trip ${t.id} has no driver` });
      continue;
    }
    const duty = dutyOver(dutiesOf.get(driverId) ?? [], t);
    if (!duty) out.push({ rule: 'driver', tripId: t.id, message: `trip ${t.id}: driver ${driverId} is not on shift from ${t.start} to ${t.end}` });
    else if (!holdsLicence(duty, t)) out.push({ rule: 'driver:licence', tripId: t.id, message: `trip ${t.id}: driver ${driverId} lacks licence ${t.licence}` });
    byDriver.set(driverId, [...(byDriver.get(driverId) ?? []), t]);
  }
  for (const [driverId, list] of byDriver) out.push(...driverLoadBreaks(driverId, list, limits));
  return out;
}

/** The overlap, daily and continuous driving rules over one driver's trips (waiting at a gate is not driving). */
export function driverLoadBreaks(driverId: string, trips: readonly TripToDrive[], limits: DrivingLimits): DriverViolation[] {
  const out: DriverViolation[] = [];
  const list = [...trips].sort((a, b) => a.start - b.start || a.end - b.end);
  list.forEach((t, i) => {
    const prev = list[i - 1];
    if (prev && t.start < prev.end - EPS) out.push({ rule: 'driver:overlap', tripId: t.id, message: `driver ${driverId} is on trips ${prev.id} and ${t.id} at once` });
  });
  let total = 0;
  let stretch = 0;
  let lastEnd = -Infinity;
  for (const { trip, from, to } of list.flatMap(drivingPieces)) {
    stretch = from - lastEnd < limits.minBreakS - EPS ? stretch + (to - from) : to - from;
    total += to - from;
    lastEnd = to;
    if (stretch > limits.maxContinuousS + EPS) out.push({ rule: 'driver:continuous', tripId: trip.id, message: `driver ${driverId} drives ${Math.round(stretch / 60)} min without a break on trip ${trip.id}` });
    if (total > limits.maxDrivingS + EPS) out.push({ rule: 'driver:hours', tripId: trip.id, message: `driver ${driverId} drives ${Math.round(total / 60)} min in the day by trip ${trip.id}` });
  }
  return out;
}

/** A trip's time on the road, less its waits at gates. */
function drivingPieces(trip: TripToDrive): { trip: TripToDrive; from: number; to: number }[] {
  const out: { trip: TripToDrive; from: number; to: number }[] = [];
  let at = trip.start;
  for (const [a, b] of [...(trip.waits ?? [])].sort((x, y) => x[0] - y[0])) {
    if (a > at) out.push({ trip, from: at, to: Math.min(a, trip.end) });
    at = Math.max(at, b);
  }
  if (trip.end > at || out.length === 0) out.push({ trip, from: at, to: Math.max(at, trip.end) });
  return out;
}
