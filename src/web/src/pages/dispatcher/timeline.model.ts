/**
 * The timeline's geometry, apart from its drawing: per vehicle its trips in order (depart, stops,
 * return) with the reloads between them, every time as a share of the axis; the axis spans the
 * shift up to the last thing planned (rounded up to the hour), so a short round is not a sliver.
 */
import type { Actuals, Proposal, Stop, Trip } from './proposal.types';

export interface Lane { vehicleId: string; vehicleName: string; driverName: string | null; trips: Trip[]; reloads: { fromS: number; untilS: number }[] }

export interface Axis { endS: number; hours: number[]; shiftEndInside: boolean }

export function lanes(proposal: Proposal): Lane[] {
  const byVehicle = new Map<string, Lane>();
  for (const trip of proposal.trips) {
    const lane = byVehicle.get(trip.vehicleId) ?? { vehicleId: trip.vehicleId, vehicleName: trip.vehicleName, driverName: trip.driverName, trips: [], reloads: [] };
    lane.trips.push(trip);
    byVehicle.set(trip.vehicleId, lane);
  }
  for (const lane of byVehicle.values()) {
    lane.trips.sort((a, b) => a.departS - b.departS);
    lane.reloads = lane.trips.slice(1).map((next, i) => ({ fromS: tripEnd(lane.trips[i] as Trip), untilS: next.departS })).filter((r) => r.untilS > r.fromS);
  }
  return [...byVehicle.values()];
}

export const tripEnd = (trip: Trip): number => trip.departS + trip.durationS;

/** Seconds from the shift's start of a moment seen live (the desk's local clock). */
export function actualS(iso: string, shiftStartMin: number): number {
  const d = new Date(iso);
  return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds() - shiftStartMin * 60;
}

export function axis(proposal: Proposal, actuals: Actuals): Axis {
  const ends = proposal.trips.flatMap((trip) => [tripEnd(trip), ...trip.stops.flatMap((s) => [s.servedS, ...(s.window && s.window.untilS < proposal.shiftEndS ? [s.window.untilS] : [])])]);
  for (const a of Object.values(actuals)) if (a.doneAt) ends.push(actualS(a.doneAt, proposal.shiftStartMin));
  const last = Math.max(3600, ...ends);
  const endS = Math.min(proposal.shiftEndS, Math.ceil(last / 3600) * 3600);
  return { endS, hours: Array.from({ length: Math.floor(endS / 3600) + 1 }, (_, i) => i * 3600), shiftEndInside: endS === proposal.shiftEndS };
}

/** A share of the axis, clamped to it: "12.5%". */
export const at = (s: number, ax: Axis): string => `${(Math.min(Math.max(s, 0), ax.endS) / ax.endS) * 100}%`;

/** Stops close in time go on separate rows of their lane, so their numbers stay readable. */
export function stopRows(stops: { stop: Stop; tripNo: number }[], ax: Axis): number[] {
  const minGap = ax.endS * 0.022;
  const lastAt: number[] = [];
  return stops.map(({ stop }) => {
    let row = lastAt.findIndex((x) => stop.servedS - x >= minGap);
    if (row === -1) row = lastAt.length < 4 ? lastAt.length : lastAt.indexOf(Math.min(...lastAt));
    lastAt[row] = stop.servedS;
    return row;
  });
}
