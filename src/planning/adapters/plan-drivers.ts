/**
 * Drivers on a round's plan (issue #18, item 3): after routing and chaining, each trip gets its driver
 * from the round's roster (shifts/driver.assign.ts), stored on the trip with the plan. A trip no
 * rostered driver can take is not kept: its needs are unserved with the reason `no-driver`, never
 * dispatched without a driver. A waste trip's successors on the same vehicle leave from its disposal
 * site, so they go with it. Pure.
 */
import type { Plan, PlanTrip } from '../../domain/round-plan';
import { assignDrivers } from '../shifts/driver.assign';
import type { DrivingLimits, Duty, TripToDrive } from '../shifts/shift.types';
import type { VehicleForPlan } from './round-problem';

/** The round's roster as planning reads it: duties on the round's clock, the depots with templates, the limits in seconds. */
export interface PlanRoster {
  duties: readonly Duty[];
  /** Depots with shift templates: each is its own pool; the others share DEFAULT_POOL. */
  templated: readonly string[];
  limits: DrivingLimits;
}

export const DEFAULT_POOL = 'default';
export const poolOf = (roster: Pick<PlanRoster, 'templated'>, depotId: string): string => (roster.templated.includes(depotId) ? depotId : DEFAULT_POOL);

/** A plan's trip as a trip to drive: on the road from departure for its duration. */
export function tripToDrive(roster: Pick<PlanRoster, 'templated'>, t: { id: string; vehicleId: string; depotId: string; departS?: number; durationS: number }, end: number | undefined, licence: string | null): TripToDrive {
  const start = t.departS ?? 0;
  return { id: t.id, vehicleId: t.vehicleId, depotId: t.depotId, pool: poolOf(roster, t.depotId), start, end: end ?? start + t.durationS, licence };
}

/**
 * `waitsOf`: where a trip waits at a gate (not driving; round-problem.ts waitsOnTrip).
 * `stored`: trips already stored with their drivers (a re-plan keeps locked stops on them): their drivers stay, and
 * are busy then.
 */
export function withDrivers(
  plan: Plan, vehicles: readonly VehicleForPlan[], roster: PlanRoster, collects: boolean,
  waitsOf: (t: PlanTrip) => readonly (readonly [number, number])[] = () => [], stored: readonly PlanTrip[] = [],
): Plan {
  const licence = new Map(vehicles.map((v) => [v.id, v.licenceClass ?? null]));
  const toDrive = (t: PlanTrip): TripToDrive => ({ ...tripToDrive(roster, t, undefined, licence.get(t.vehicleId) ?? null), waits: waitsOf(t) });
  const fixed = new Map(stored.flatMap((t) => (t.driverId ? [[t.id, t.driverId] as const] : [])));
  const { driverOf, undriven } = assignDrivers([...stored.filter((t) => fixed.has(t.id)).map(toDrive), ...plan.trips.map(toDrive)], roster.duties, roster.limits, fixed);
  const dropped = new Set(undriven.map((u) => u.tripId));
  if (collects) {
    for (const t of plan.trips) {
      if (dropped.has(t.id)) for (const later of plan.trips) if (later.vehicleId === t.vehicleId && later.tripNo > t.tripNo) dropped.add(later.id);
    }
  }
  const kept: PlanTrip[] = plan.trips.filter((t) => !dropped.has(t.id)).map((t) => ({ ...t, driverId: driverOf.get(t.id)! }));
  const unserved = plan.trips.filter((t) => dropped.has(t.id))
    .flatMap((t) => [...new Set(t.stops.flatMap((s) => s.bags.map((b) => b.needId)))].map((needId) => ({ needId, reason: 'no-driver' })));
  return { trips: kept, unserved: [...plan.unserved, ...unserved] };
}
