import type { Travel } from './problem.types';

/** Dense row-major matrices over the locations a problem uses (n x n). */
export interface TravelMatrices {
  n: number;
  dist: Float64Array;
  /** Same object as dist when durations equal distances (saves memory and keeps CVRP fast). */
  time: Float64Array;
}

const EARTH_RADIUS_M = 6_371_000;

export function haversineMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  return haversineFrom(a, b, Math.cos(a.lat * rad), Math.cos(b.lat * rad));
}

/** haversineMetres with the cosines of both latitudes given (computed once per point in a matrix). */
function haversineFrom(a: { lat: number; lon: number }, b: { lat: number; lon: number }, cosA: number, cosB: number): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + cosA * cosB * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Builds matrices for the given locations (rows of the travel source), in that order,
 * so a sub-problem only pays for its own locations.
 */
export function buildMatrices(travel: Travel, locations: readonly number[]): TravelMatrices {
  const n = locations.length;
  const dist = new Float64Array(n * n);
  let time = dist;
  switch (travel.kind) {
    case 'matrix': {
      if (travel.duration) time = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        const row = travel.distance[locations[i]!];
        const trow = travel.duration?.[locations[i]!];
        if (!row || (travel.duration && !trow)) throw new RangeError(`travel matrix has no row ${locations[i]}`);
        for (let j = 0; j < n; j++) {
          const d = row[locations[j]!];
          if (d === undefined || !Number.isFinite(d)) throw new RangeError(`travel matrix has no finite entry [${locations[i]}][${locations[j]}]`);
          dist[i * n + j] = d;
          if (trow) time[i * n + j] = trow[locations[j]!] ?? NaN;
        }
      }
      break;
    }
    case 'geo': {
      const factor = travel.roadFactor ?? 1.3;
      const speed = travel.speed ?? 30 / 3.6;
      time = new Float64Array(n * n);
      const pts = locations.map((l) => point(travel.points, l));
      // Both formulas are symmetric to the last bit: each pair is computed once, mirrored.
      // Every piece of a large plan builds its own matrix, so this is on the hot path of city plans.
      const rad = Math.PI / 180;
      const cosLat = pts.map((p) => Math.cos(p.lat * rad));
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const d = haversineFrom(pts[i]!, pts[j]!, cosLat[i]!, cosLat[j]!) * factor;
          dist[i * n + j] = dist[j * n + i] = d;
          time[i * n + j] = time[j * n + i] = d / speed;
        }
      }
      break;
    }
    case 'euclid': {
      const round = travel.round ?? true;
      const speed = travel.speed ?? 1;
      const pts = locations.map((l) => point(travel.points, l));
      for (let i = 0; i < n; i++) {
        const a = pts[i]!;
        for (let j = i + 1; j < n; j++) {
          const e = Math.hypot(a.x - pts[j]!.x, a.y - pts[j]!.y);
          dist[i * n + j] = dist[j * n + i] = round ? Math.round(e) : e;
        }
      }
      if (speed !== 1) time = dist.map((d) => d / speed);
      break;
    }
  }
  return { n, dist, time };
}

function point<T>(points: readonly T[], index: number): T {
  const p = points[index];
  if (p === undefined) throw new RangeError(`travel has no point ${index}`);
  return p;
}

/** Distance and duration of one arc, straight from the travel source (for checks, not hot loops). */
export function travelBetween(travel: Travel, a: number, b: number): { dist: number; time: number } {
  const m = buildMatrices(travel, [a, b]);
  return { dist: m.dist[1]!, time: m.time[1]! };
}

/** travelBetween with each arc computed once (checkers and chaining ask for the same few arcs again and again). */
export function arcCache(travel: Travel): (a: number, b: number) => { dist: number; time: number } {
  const arcs = new Map<string, { dist: number; time: number }>();
  return (a, b) => {
    const key = `${a}>${b}`;
    let found = arcs.get(key);
    if (!found) arcs.set(key, (found = travelBetween(travel, a, b)));
    return found;
  };
}
