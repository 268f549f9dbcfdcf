/**
 * Whole units: the LP answers in fractions, bags don't split. Also the deterministic fallback used
 * when the LP gives nothing usable in time (classes in order, an even share within a short class).
 */
import type { AllocationProblem } from './allocation.model';

const EPS = 1e-6;

/** Load already given to each group by `units`. */
function groupLoads(p: AllocationProblem, units: number[]): number[] {
  const load = p.capacity.map(() => 0);
  p.lines.forEach((l, k) => {
    load[l.group] = (load[l.group] ?? 0) + (units[k] ?? 0) * (p.unitLoad[l.item] ?? 1);
  });
  return load;
}

/**
 * Rounds down, then hands out the units rounding freed, one at a time: most urgent class first, then the
 * largest fractional part, then line order. Never above need, stock or group capacity.
 */
export function roundAllocation(p: AllocationProblem, x: number[]): number[] {
  const units = p.lines.map((l, k) => Math.min(l.needed, Math.max(0, Math.floor((x[k] ?? 0) + EPS))));
  const left = p.stock.map((s) => s);
  p.lines.forEach((l, k) => {
    left[l.item] = (left[l.item] ?? 0) - (units[k] ?? 0);
  });
  // Float noise could push a floor past the stock: take units back from the least urgent lines.
  const order = p.lines.map((_, k) => k).sort((a, b) => (p.lines[b]?.priority ?? 0) - (p.lines[a]?.priority ?? 0) || b - a);
  for (const k of order) {
    const item = p.lines[k]?.item ?? 0;
    while ((left[item] ?? 0) < 0 && (units[k] ?? 0) > 0) {
      units[k] = (units[k] ?? 0) - 1;
      left[item] = (left[item] ?? 0) + 1;
    }
  }
  topUp(p, units, left, (k) => (x[k] ?? 0) - Math.floor((x[k] ?? 0) + EPS));
  return units;
}

/** Gives spare stock unit by unit to lines that can still take it, in priority order. */
function topUp(p: AllocationProblem, units: number[], left: number[], frac: (k: number) => number): void {
  const load = groupLoads(p, units);
  const order = p.lines.map((_, k) => k).sort((a, b) => (p.lines[a]?.priority ?? 0) - (p.lines[b]?.priority ?? 0) || frac(b) - frac(a) || a - b);
  let progress = true;
  while (progress) {
    progress = false;
    for (const k of order) {
      const l = p.lines[k];
      if (!l || (left[l.item] ?? 0) < 1 || (units[k] ?? 0) >= l.needed) continue;
      const w = p.unitLoad[l.item] ?? 1;
      if ((load[l.group] ?? 0) + w > (p.capacity[l.group] ?? Infinity) + EPS) continue;
      units[k] = (units[k] ?? 0) + 1;
      left[l.item] = (left[l.item] ?? 0) - 1;
      load[l.group] = (load[l.group] ?? 0) + w;
      progress = true;
    }
  }
}

/**
 * Fallback without a solver: for each class (most urgent first) and item, every line gets the same share
 * f of its need (capped by what its group can still carry), f as high as the stock allows. Returns
 * fractional units and the share per (item * 4 + class); round with `roundAllocation`.
 */
export function greedyAllocation(p: AllocationProblem): { x: number[]; floors: Map<number, number> } {
  const x = p.lines.map(() => 0);
  const floors = new Map<number, number>();
  const left = [...p.stock];
  const room = [...p.capacity];
  for (const priority of [0, 1, 2, 3]) {
    p.stock.forEach((_, item) => {
      const ks = p.lines.flatMap((l, k) => (l.item === item && l.priority === priority ? [k] : []));
      if (ks.length === 0) return;
      const w = p.unitLoad[item] ?? 1;
      const cap = ks.map((k) => {
        const l = p.lines[k] as (typeof p.lines)[number];
        return Math.min(l.needed, w > 0 ? (room[l.group] ?? Infinity) / w : Infinity);
      });
      const f = evenShare(ks.map((k) => p.lines[k]?.needed ?? 0), cap, left[item] ?? 0);
      floors.set(item * 4 + priority, f);
      ks.forEach((k, j) => {
        const l = p.lines[k] as (typeof p.lines)[number];
        const q = Math.min(f * l.needed, cap[j] ?? 0);
        x[k] = q;
        left[item] = (left[item] ?? 0) - q;
        room[l.group] = (room[l.group] ?? Infinity) - q * w;
      });
    });
  }
  return { x, floors };
}

/** Largest f in [0, 1] with sum(min(f * need, cap)) <= amount (water-filling on shares). */
export function evenShare(need: number[], cap: number[], amount: number): number {
  let lo = 0;
  let hi = 1;
  const used = (f: number): number => need.reduce((s, n, j) => s + Math.min(f * n, cap[j] ?? 0), 0);
  if (used(1) <= amount + EPS) return 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (used(mid) <= amount) lo = mid;
    else hi = mid;
  }
  return lo;
}
