import type { Instance } from '../model/instance';

/**
 * For every stop node, the nearest other stop nodes (by symmetric distance), closest first, ties
 * by node index. Granular neighbourhoods: moves only look at these, so a pass stays O(n * k).
 * Each list is kept by bounded insertion (O(n + k * replacements) per stop) rather than a full
 * sort of the n others, which cost 2.4 s of a 30 s run at 3,000 stops and grows as n^2 log n.
 */
export function nearestStops(inst: Instance, k: number): Int32Array[] {
  const { nDepots, n, dist } = inst;
  const lists: Int32Array[] = new Array<Int32Array>(n);
  const keep = Math.min(k, Math.max(0, inst.nStops - 1));
  for (let i = 0; i < nDepots; i++) lists[i] = new Int32Array(0);
  const ids = new Int32Array(keep);
  const keys = new Float64Array(keep);
  for (let c = nDepots; c < n; c++) {
    let size = 0;
    for (let o = nDepots; o < n; o++) {
      if (o === c) continue;
      const key = dist[c * n + o]! + dist[o * n + c]!;
      // Scanning o in increasing order, an equal key never displaces an earlier index.
      if (size === keep && !(key < keys[keep - 1]!)) continue;
      let at = size < keep ? size++ : keep - 1;
      while (at > 0 && keys[at - 1]! > key) {
        keys[at] = keys[at - 1]!;
        ids[at] = ids[at - 1]!;
        at--;
      }
      keys[at] = key;
      ids[at] = o;
    }
    lists[c] = ids.slice(0, size);
  }
  return lists;
}
