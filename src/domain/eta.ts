/**
 * ETAs of a batch's remaining stops from the vehicle's last position: straight-line travel to the
 * next stop at an assumed road speed, then the planned schedule's own offsets between stops
 * (they already hold travel and service times). Pure: no I/O, no clock.
 */

export interface Point {
  lat: number;
  lon: number;
}

export interface RemainingStop extends Point {
  stopId: string;
  /** Planned start of service, seconds from the trip's start (the plan's schedule). */
  plannedStartS: number;
}

const EARTH_RADIUS_M = 6_371_000;

export function haversineMeters(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * @param speedKmh average road speed used for the leg to the next stop (default 20 km/h: a sealed district's streets).
 * @param detour road distance / straight-line distance (default 1.3).
 */
export function estimateEtas(
  position: Point,
  at: Date,
  remaining: readonly RemainingStop[],
  speedKmh = 20,
  detour = 1.3,
): { stopId: string; eta: string }[] {
  const first = remaining[0];
  if (!first) return [];
  const toFirstS = (haversineMeters(position, first) * detour) / ((speedKmh * 1000) / 3600);
  const firstEtaMs = at.getTime() + toFirstS * 1000;
  return remaining.map((stop) => ({
    stopId: stop.stopId,
    // Later stops keep their spacing in the plan (which holds travel and service times) after the first.
    eta: new Date(firstEtaMs + Math.max(0, stop.plannedStartS - first.plannedStartS) * 1000).toISOString(),
  }));
}
