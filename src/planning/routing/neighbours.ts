import type { Instance } from '../model/instance';

/**
 * For every stop node, the nearest other stop nodes (by symmetric distance), closest first.
 * Granular neighbourhoods: moves only look at these, so a pass stays O(n * k).
 */
export function nearestStops(inst: Instance, k: number): Int32Array[] {
  const { nDepots, n, dist } = inst;
  const stops = Array.from({ length: inst.nStops }, (_, s) => nDepots + s);
  const lists: Int32Array[] = new Array<Int32Array>(n);
  const keep = Math.min(k, Math.max(0, stops.length - 1));
  for (let i = 0; i < nDepots; i++) lists[i] = new Int32Array(0);
  const key = new Float64Array(n);
  for (const c of stops) {
    for (const o of stops) key[o] = dist[c * n + o]! + dist[o * n + c]!;
    const others = stops.filter((o) => o !== c);
    // Partial selection would be faster, but this runs once per solve and n <= ~1,500.
    others.sort((a, b) => key[a]! - key[b]! || a - b);
    lists[c] = Int32Array.from(others.slice(0, keep));
  }
  return lists;
}
