/**
 * Whole units for one priority class: the LP answers in fractions, bags don't split. Also the
 * deterministic fallback for a class whose LP gives nothing usable in time (an even share per item).
 * Both work within what the more urgent classes left, and update it.
 */
import type { AllocationProblem, NormalLine } from './allocation.model';

const EPS = 1e-6;

/** Stock left per item and load room left per group, after the classes already allocated. */
export interface Remaining {
  stock: number[];
  room: number[];
}

export function startRemaining(p: AllocationProblem): Remaining {
  return { stock: [...p.stock], room: [...p.capacity] };
}

const lineOf = (p: AllocationProblem, k: number): NormalLine => p.lines[k] as NormalLine;

/**
 * Rounds down, then hands out the units rounding freed, one per line per pass: largest fractional part
 * first, then line order. Never above need, stock or group room. `x[j]` is for line `lineIdx[j]`.
 */
export function roundStage(p: AllocationProblem, lineIdx: number[], x: number[], left: Remaining): number[] {
  const units = lineIdx.map((k, j) => Math.min(lineOf(p, k).needed, Math.max(0, Math.floor((x[j] ?? 0) + EPS))));
  // Float noise could push a rounded value past the stock or the room: take units back, last lines first.
  for (let j = lineIdx.length - 1; j >= 0; j--) {
    const l = lineOf(p, lineIdx[j] ?? 0);
    const w = p.unitLoad[l.item] ?? 1;
    while ((units[j] ?? 0) > 0 && (take(left, l, w, units[j] ?? 0) === false)) units[j] = (units[j] ?? 0) - 1;
    left.stock[l.item] = (left.stock[l.item] ?? 0) - (units[j] ?? 0);
    left.room[l.group] = (left.room[l.group] ?? Infinity) - (units[j] ?? 0) * w;
  }
  const frac = (j: number): number => (x[j] ?? 0) - Math.floor((x[j] ?? 0) + EPS);
  const order = lineIdx.map((_, j) => j).sort((a, b) => frac(b) - frac(a) || a - b);
  let progress = true;
  while (progress) {
    progress = false;
    for (const j of order) {
      const l = lineOf(p, lineIdx[j] ?? 0);
      const w = p.unitLoad[l.item] ?? 1;
      if ((units[j] ?? 0) >= l.needed || !take(left, l, w, 1)) continue;
      units[j] = (units[j] ?? 0) + 1;
      left.stock[l.item] = (left.stock[l.item] ?? 0) - 1;
      left.room[l.group] = (left.room[l.group] ?? Infinity) - w;
      progress = true;
    }
  }
  return units;
}

/** Whether `n` units of the line's item fit in what is left. */
function take(left: Remaining, l: NormalLine, w: number, n: number): boolean {
  return (left.stock[l.item] ?? 0) >= n && (left.room[l.group] ?? Infinity) + EPS >= n * w;
}

/**
 * Fallback without a solver, for one class: item by item, every line gets the same share f of its need
 * (capped by what its group can still carry), f as high as the stock allows. Fractional; round with
 * `roundStage`. Returns the share per item.
 */
export function greedyStage(p: AllocationProblem, lineIdx: number[], left: Remaining): { x: number[]; floors: Map<number, number> } {
  const x = lineIdx.map(() => 0);
  const floors = new Map<number, number>();
  const room = [...left.room];
  const byItem = new Map<number, number[]>();
  lineIdx.forEach((k, j) => {
    const item = lineOf(p, k).item;
    const js = byItem.get(item);
    if (js) js.push(j);
    else byItem.set(item, [j]);
  });
  for (const [item, js] of [...byItem].sort((a, b) => a[0] - b[0])) {
    const w = p.unitLoad[item] ?? 1;
    const need = js.map((j) => lineOf(p, lineIdx[j] ?? 0).needed);
    const cap = js.map((j, n) => Math.min(need[n] ?? 0, w > 0 ? (room[lineOf(p, lineIdx[j] ?? 0).group] ?? Infinity) / w : Infinity));
    const f = evenShare(need, cap, left.stock[item] ?? 0);
    floors.set(item, f);
    js.forEach((j, n) => {
      const q = Math.min(f * (need[n] ?? 0), cap[n] ?? 0);
      x[j] = q;
      const g = lineOf(p, lineIdx[j] ?? 0).group;
      room[g] = (room[g] ?? Infinity) - q * w;
    });
  }
  return { x, floors };
}

/** Largest f in [0, 1] with sum(min(f * need, cap)) <= amount (water-filling on shares). */
export function evenShare(need: number[], cap: number[], amount: number): number {
  const used = (f: number): number => need.reduce((s, n, j) => s + Math.min(f * n, cap[j] ?? 0), 0);
  if (used(1) <= amount + EPS) return 1;
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (used(mid) <= amount) lo = mid;
    else hi = mid;
  }
  return lo;
}
