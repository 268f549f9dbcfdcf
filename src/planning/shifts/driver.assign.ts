/**
 * Who drives each trip of a plan (issue #18, item 3): the assignment of drivers to vehicles is part
 * of the plan, made here from the roster, not paired at dispatch.
 *
 * Trips are taken in order of departure. A trip may go to a driver whose duty covers it whole, who
 * holds the vehicle's licence class, is on no other trip meanwhile, and stays within the daily and
 * continuous driving limits with it (driver.check.ts, the same rules the validator keeps). Among
 * those, in order:
 *   1. the driver of the vehicle's previous trip, on the same duty: one driver per vehicle per shift,
 *      the vehicle changes hands only at a shift change;
 *   2. the driver the dispatcher put on this vehicle for the shift;
 *   3. a driver with no other vehicle on that duty (not taking a crew off another van);
 *   4. a driver of the vehicle's own depot (a shared pool of depots without templates);
 *   5. the one who has driven least so far; then by id, so the result is reproducible.
 * A trip no driver can take is returned with the rule that stopped them all (`driver`: nobody on
 * shift over it), never left silently without a driver.
 */
import { dutyOver, holdsLicence, mergedDuties } from './duty';
import { driverLoadBreaks } from './driver.check';
import type { DriverAssignment, DrivingLimits, Duty, TripToDrive, Undriven } from './shift.types';

export function assignDrivers(trips: readonly TripToDrive[], duties: readonly Duty[], limits: DrivingLimits, fixed: ReadonlyMap<string, string> = new Map()): DriverAssignment {
  const dutiesOf = mergedDuties(duties);
  const driverOf = new Map<string, string>();
  const tripsOf = new Map<string, TripToDrive[]>();
  /** Vehicle each driver drove last on each duty (by `${driver}@${duty.start}`). */
  const vehicleOnDuty = new Map<string, string>();
  const lastDriverOfVehicle = new Map<string, string>();
  const give = (trip: TripToDrive, driverId: string, duty: Duty | undefined): void => {
    driverOf.set(trip.id, driverId);
    tripsOf.set(driverId, [...(tripsOf.get(driverId) ?? []), trip]);
    if (duty) vehicleOnDuty.set(`${driverId}@${duty.start}`, trip.vehicleId);
    lastDriverOfVehicle.set(trip.vehicleId, driverId);
  };
  const ordered = [...trips].sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Trips whose driver is already decided (a plan's existing trips, when one is added) stay with that driver.
  for (const t of ordered) {
    const d = fixed.get(t.id);
    if (d !== undefined) give(t, d, dutyOver(dutiesOf.get(d) ?? [], t));
  }
  const undriven: Undriven[] = [];
  for (const trip of ordered) {
    if (driverOf.has(trip.id)) continue;
    let rule = 'driver';
    const candidates: { driverId: string; duty: Duty; key: (number | string)[] }[] = [];
    for (const [driverId, list] of dutiesOf) {
      const duty = dutyOver(list, trip);
      if (!duty) continue;
      if (!holdsLicence(duty, trip)) {
        if (rule === 'driver') rule = 'driver:licence';
        continue;
      }
      const mine = tripsOf.get(driverId) ?? [];
      const breaks = driverLoadBreaks(driverId, [...mine, trip], limits);
      if (breaks.length) {
        rule = breaks[0]!.rule;
        continue;
      }
      const onDuty = vehicleOnDuty.get(`${driverId}@${duty.start}`);
      candidates.push({
        driverId, duty,
        key: [
          lastDriverOfVehicle.get(trip.vehicleId) === driverId && onDuty === trip.vehicleId ? 0 : 1,
          duty.vehicleId === trip.vehicleId ? 0 : 1,
          onDuty === undefined || onDuty === trip.vehicleId ? 0 : 1,
          duty.depotId === trip.depotId ? 0 : 1,
          mine.reduce((s, t) => s + t.end - t.start, 0),
          driverId,
        ],
      });
    }
    candidates.sort((a, b) => compareKeys(a.key, b.key));
    const best = candidates[0];
    if (best) give(trip, best.driverId, best.duty);
    else undriven.push({ tripId: trip.id, rule });
  }
  return { driverOf, undriven };
}

function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
