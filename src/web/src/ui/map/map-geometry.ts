/**
 * Shapes the map draws from the district's own data when no outline was uploaded: an area's outline
 * as the convex hull of its gates, padded so the gates sit inside it; the direction of a route leg
 * for its arrow. Plain maths on [lat, lon] pairs, no Leaflet.
 */
export type LatLon = [number, number];

const M_PER_DEG = 111_320;

function cross(o: LatLon, a: LatLon, b: LatLon): number {
  return (a[1] - o[1]) * (b[0] - o[0]) - (a[0] - o[0]) * (b[1] - o[1]);
}

/** Andrew's monotone chain: the hull's corners in order; fewer than 3 distinct points give what there is. */
export function convexHull(points: LatLon[]): LatLon[] {
  const pts = [...new Map(points.map((p) => [`${p[0]},${p[1]}`, p])).values()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  if (pts.length < 3) return pts;
  const half = (list: LatLon[]) => {
    const out: LatLon[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2] as LatLon, out[out.length - 1] as LatLon, p) <= 0) out.pop();
      out.push(p);
    }
    return out.slice(0, -1);
  };
  return [...half(pts), ...half([...pts].reverse())];
}

/**
 * The outline of a set of gates: their hull pushed out by `padM` metres from its centre, or, for one
 * or two gates, an octagon of that radius around their middle.
 */
export function paddedOutline(points: LatLon[], padM: number): LatLon[] {
  const hull = convexHull(points);
  if (hull.length === 0) return [];
  const c: LatLon = [hull.reduce((s, p) => s + p[0], 0) / hull.length, hull.reduce((s, p) => s + p[1], 0) / hull.length];
  const lonScale = Math.cos((c[0] * Math.PI) / 180);
  if (hull.length < 3) {
    return Array.from({ length: 8 }, (_, i): LatLon => [c[0] + (Math.sin((i * Math.PI) / 4) * padM) / M_PER_DEG, c[1] + (Math.cos((i * Math.PI) / 4) * padM) / (M_PER_DEG * lonScale)]);
  }
  return hull.map((p): LatLon => {
    const dy = (p[0] - c[0]) * M_PER_DEG;
    const dx = (p[1] - c[1]) * M_PER_DEG * lonScale;
    const d = Math.hypot(dx, dy) || 1;
    return [p[0] + ((dy / d) * padM) / M_PER_DEG, p[1] + ((dx / d) * padM) / (M_PER_DEG * lonScale)];
  });
}

/** Metres between two points (flat-earth: fine within a district). */
export function distanceM(a: LatLon, b: LatLon): number {
  const lonScale = Math.cos((((a[0] + b[0]) / 2) * Math.PI) / 180);
  return Math.hypot((b[0] - a[0]) * M_PER_DEG, (b[1] - a[1]) * M_PER_DEG * lonScale);
}

/** The screen angle of a leg from `a` to `b`, degrees clockwise from east (what CSS `rotate` takes). */
export function screenAngle(a: LatLon, b: LatLon): number {
  const lonScale = Math.cos((((a[0] + b[0]) / 2) * Math.PI) / 180);
  return (-Math.atan2(b[0] - a[0], (b[1] - a[1]) * lonScale) * 180) / Math.PI;
}

export const midpoint = (a: LatLon, b: LatLon): LatLon => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
