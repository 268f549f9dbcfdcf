import type { Problem } from '../model/problem.types';

export interface XY { x: number; y: number }

/**
 * Planar coordinates of a travel location, for clustering only (equirectangular for lat/lon:
 * precise enough inside one district). Null with a supplied matrix: no geometry to cut by.
 */
export function locator(problem: Problem): ((location: number) => XY) | null {
  const t = problem.travel;
  if (t.kind === 'euclid') return (l) => t.points[l] ?? { x: 0, y: 0 };
  if (t.kind === 'geo') {
    const lat0 = t.points.length ? t.points.reduce((s, p) => s + p.lat, 0) / t.points.length : 0;
    const kx = Math.cos((lat0 * Math.PI) / 180);
    return (l) => {
      const p = t.points[l];
      return p ? { x: p.lon * kx * 111_320, y: p.lat * 110_540 } : { x: 0, y: 0 };
    };
  }
  return null;
}

export function centroid(points: readonly XY[]): XY {
  if (!points.length) return { x: 0, y: 0 };
  let x = 0;
  let y = 0;
  for (const p of points) { x += p.x; y += p.y; }
  return { x: x / points.length, y: y / points.length };
}

export function dist2(a: XY, b: XY): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}
