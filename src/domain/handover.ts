/**
 * A vehicle changing hands at a shift change (issue #18, items 4 and 5). The plan gives every trip
 * its driver; where a vehicle's next trip has another driver than the trip before, the vehicle is
 * handed over between the two: the outgoing driver confirms what the vehicle carries and how it is
 * (its `VehicleState`), the incoming driver accepts it. The same trips and the roster's duties give
 * the desk its shift bands: per vehicle, who has it from when until when.
 *
 * Times are on the round's clock (seconds from its start, ROUND_SHIFT_START_MIN).
 */

export interface CrewTrip { tripId: string; vehicleId: string; driverId: string | null; departS: number; durationS: number }
/** A driver's rostered duty on the round's clock (a round's roster snapshot). */
export interface CrewDuty { driverId: string; start: number; end: number }

export interface PlannedHandover {
  vehicleId: string;
  /** The outgoing driver's last trip before the change, and the incoming driver's first after it (the handover's key). */
  fromTripId: string;
  toTripId: string;
  fromDriverId: string;
  toDriverId: string;
  /**
   * When the vehicle changes hands: once the outgoing trip is back and the incoming driver's duty has
   * begun, and no later than the incoming trip leaves.
   */
  atS: number;
}

/** A stretch of a vehicle's day with one driver: the driver's duty around their trips on it (the trips themselves without a duty). */
export interface ShiftBand { vehicleId: string; driverId: string; fromS: number; untilS: number }

const EPS = 1e-6;

/** A vehicle's trips with a driver, in the order they leave. */
function byVehicle(trips: readonly CrewTrip[]): Map<string, (CrewTrip & { driverId: string })[]> {
  const out = new Map<string, (CrewTrip & { driverId: string })[]>();
  for (const t of trips) {
    if (t.driverId === null) continue;
    out.set(t.vehicleId, [...(out.get(t.vehicleId) ?? []), { ...t, driverId: t.driverId }]);
  }
  for (const list of out.values()) list.sort((a, b) => a.departS - b.departS || a.tripId.localeCompare(b.tripId));
  return out;
}

/** The driver's duty covering a stretch, when the roster has one. */
const dutyOf = (duties: readonly CrewDuty[], driverId: string, fromS: number, untilS: number): CrewDuty | undefined =>
  duties.find((d) => d.driverId === driverId && d.start <= fromS + EPS && d.end >= untilS - EPS);

/** Consecutive trips of one vehicle with the same driver. */
function runs(trips: readonly (CrewTrip & { driverId: string })[]): (CrewTrip & { driverId: string })[][] {
  const out: (CrewTrip & { driverId: string })[][] = [];
  for (const t of trips) {
    const last = out[out.length - 1];
    if (last && last[0]!.driverId === t.driverId) last.push(t);
    else out.push([t]);
  }
  return out;
}

/** When a vehicle changes hands between two runs: once `before` is back and the incoming duty has begun, no later than `next` leaves. */
function changeAt(before: CrewTrip, next: CrewTrip & { driverId: string }, duties: readonly CrewDuty[]): number {
  const back = before.departS + before.durationS;
  const incoming = dutyOf(duties, next.driverId, next.departS, next.departS + next.durationS);
  return Math.min(next.departS, Math.max(back, incoming?.start ?? back));
}

export function plannedHandovers(trips: readonly CrewTrip[], duties: readonly CrewDuty[]): PlannedHandover[] {
  const out: PlannedHandover[] = [];
  for (const [vehicleId, list] of byVehicle(trips)) {
    const rs = runs(list);
    for (let i = 1; i < rs.length; i++) {
      const before = rs[i - 1]!.at(-1)!;
      const next = rs[i]![0]!;
      out.push({ vehicleId, fromTripId: before.tripId, toTripId: next.tripId, fromDriverId: before.driverId, toDriverId: next.driverId, atS: changeAt(before, next, duties) });
    }
  }
  return out;
}

/** Each run of a vehicle's trips with one driver, widened to the driver's duty but never past the handovers before and after it. */
export function shiftBands(trips: readonly CrewTrip[], duties: readonly CrewDuty[]): ShiftBand[] {
  const out: ShiftBand[] = [];
  for (const [vehicleId, list] of byVehicle(trips)) {
    const rs = runs(list);
    rs.forEach((run, i) => {
      const first = run[0]!;
      const tripsFrom = first.departS;
      const tripsUntil = Math.max(...run.map((t) => t.departS + t.durationS));
      const duty = dutyOf(duties, first.driverId, tripsFrom, tripsUntil);
      const handedIn = i > 0 ? changeAt(rs[i - 1]!.at(-1)!, first, duties) : -Infinity;
      const handedOut = i < rs.length - 1 ? changeAt(run.at(-1)!, rs[i + 1]![0]!, duties) : Infinity;
      out.push({
        vehicleId, driverId: first.driverId,
        fromS: Math.max(duty ? duty.start : tripsFrom, handedIn), untilS: Math.min(duty ? duty.end : tripsUntil, handedOut),
      });
    });
  }
  return out;
}

/** Whether the vehicle of a waste trip was disinfected after it: none of its trips were waste, all were, or one is not yet. */
export const DISINFECTION_STATES = ['not_needed', 'done', 'missing'] as const;
export type DisinfectionState = (typeof DISINFECTION_STATES)[number];

/**
 * The vehicle as it is handed over: what the incoming driver must know before taking it. Kinds and
 * counts only (a bag's kind is its need kind; waste picked up counts as `waste_pickup`): never what a bag holds.
 */
export interface VehicleState {
  /** The vehicle's trips of the round before the change, and how many of them have every stop closed. */
  tripsBefore: number;
  tripsDone: number;
  /** Bags still on board: delivery bags not yet handed over at their gate, waste picked up and not yet unloaded. */
  bagsOnBoard: { kind: string; bags: number }[];
  disinfection: DisinfectionState;
  /** The last stop closed (its gate by name), and the van's last reported position. */
  lastStop: { gate: string; status: 'delivered' | 'failed' } | null;
  lastPosition: { lat: number; lon: number; at: string } | null;
  /** Waste trips still missing their weight at the disposal site or their disinfection record. */
  openCustody: { tripNo: number; missing: ('unload' | 'disinfection')[] }[];
}
