/**
 * A driver's shifts as unbroken duties: shifts of one driver that touch (or overlap) are one duty,
 * which is how "the same driver continues" over a shift change is expressed. A trip is drivable by a
 * driver when one of the driver's duties covers it whole.
 */
import type { Duty, TripToDrive } from './shift.types';

const EPS = 1e-6;

/** The driver's duties merged where they touch, by driver, each list in time order. */
export function mergedDuties(duties: readonly Duty[]): Map<string, Duty[]> {
  const byDriver = new Map<string, Duty[]>();
  for (const d of [...duties].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const list = byDriver.get(d.driverId) ?? [];
    const last = list.at(-1);
    if (last && last.pool === d.pool && d.start <= last.end + EPS) {
      list[list.length - 1] = { ...last, end: Math.max(last.end, d.end), vehicleId: last.vehicleId ?? d.vehicleId ?? null };
    } else list.push({ ...d });
    byDriver.set(d.driverId, list);
  }
  return byDriver;
}

/** The duty of `duties` (one driver's, merged) that covers the trip whole, if any. */
export const dutyOver = (duties: readonly Duty[], trip: Pick<TripToDrive, 'pool' | 'start' | 'end'>): Duty | undefined =>
  duties.find((d) => d.pool === trip.pool && d.start <= trip.start + EPS && trip.end <= d.end + EPS);

export const holdsLicence = (duty: Pick<Duty, 'licences'>, trip: Pick<TripToDrive, 'licence'>): boolean =>
  trip.licence === null || duty.licences.includes(trip.licence);
