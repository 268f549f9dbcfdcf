/**
 * The community-level allocation LP. One continuous variable per (group, item, class) line, bounded by
 * its need, and one fairness floor f[item, class] in [0, 1] with x >= f * need for every line of that
 * item and class. Maximise sum W[p] * x + sum W[p] * N[item, p] * f[item, p] subject to stock per item
 * and load per group. The floor term makes the LP spread a short class evenly (max-min share) rather
 * than pick any vertex; with W[p] > 2 W[p+1] it never pays to take units from a more urgent class.
 */
import type { LpConstraint, LpModel, LpVariable } from '../lp/lp.model';
import type { AllocationInput, PriorityClass } from './allocation.types';

export interface NormalLine {
  group: number;
  item: number;
  priority: PriorityClass;
  needed: number;
}

/** The input in index form: duplicate need lines merged, stock summed over depots. */
export interface AllocationProblem {
  input: AllocationInput;
  lines: NormalLine[];
  stock: number[];
  unitLoad: number[];
  capacity: number[];
}

const nonNegative = (x: number, what: string): number => {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${what} must be a finite number >= 0, got ${x}`);
  return x;
};

export function normalise(input: AllocationInput): AllocationProblem {
  const itemIndex = new Map(input.items.map((it, i) => [it.id, i]));
  if (itemIndex.size !== input.items.length) throw new RangeError('item ids must be unique');
  const stock = input.items.map((it) =>
    Math.floor(typeof it.stock === 'number' ? nonNegative(it.stock, `stock of ${it.id}`) : Object.entries(it.stock).reduce((s, [d, q]) => s + nonNegative(q, `stock of ${it.id} at ${d}`), 0)),
  );
  const unitLoad = input.items.map((it) => nonNegative(it.unitLoad ?? 1, `unitLoad of ${it.id}`));
  const capacity = input.groups.map((g) => (g.capacity === undefined ? Infinity : nonNegative(g.capacity, `capacity of ${g.id}`)));
  const byKey = new Map<string, NormalLine>();
  input.groups.forEach((g, group) => {
    for (const n of g.needs) {
      const item = itemIndex.get(n.itemId);
      if (item === undefined) throw new RangeError(`group ${g.id} needs unknown item ${n.itemId}`);
      const needed = Math.floor(nonNegative(n.quantity, `need of ${g.id} for ${n.itemId}`));
      if (needed === 0) continue;
      const key = `${group}|${item}|${n.priority}`;
      const line = byKey.get(key);
      if (line) line.needed += needed;
      else byKey.set(key, { group, item, priority: n.priority, needed });
    }
  });
  return { input, lines: [...byKey.values()], stock, unitLoad, capacity };
}

export const DEFAULT_WEIGHTS = [64, 16, 4, 1] as const;

export interface AllocationModel {
  model: LpModel;
  /** Variable index of the floor of (item, class), keyed `item * 4 + class`. */
  floorVar: Map<number, number>;
}

/** Variables 0..lines-1 are the lines (same order as `problem.lines`), then the floors. */
export function buildAllocationModel(problem: AllocationProblem, weights: readonly number[] = DEFAULT_WEIGHTS): AllocationModel {
  const { lines } = problem;
  const variables: LpVariable[] = lines.map((l, k) => ({ name: `x${k}`, cost: weights[l.priority] ?? 1, upper: l.needed }));
  const constraints: LpConstraint[] = [];
  const floorVar = new Map<number, number>();
  const classNeed = new Map<number, number>();
  for (const l of lines) classNeed.set(l.item * 4 + l.priority, (classNeed.get(l.item * 4 + l.priority) ?? 0) + l.needed);
  for (const [key, need] of classNeed) {
    floorVar.set(key, variables.length);
    variables.push({ name: `floor${key}`, cost: (weights[key % 4] ?? 1) * need, upper: 1 });
  }
  problem.stock.forEach((s, item) => {
    const terms = lines.flatMap((l, v) => (l.item === item ? [{ v, coef: 1 }] : []));
    if (terms.length > 0) constraints.push({ name: `stock${item}`, terms, op: '<=', rhs: s });
  });
  problem.capacity.forEach((cap, group) => {
    if (!Number.isFinite(cap)) return;
    const terms = lines.flatMap((l, v) => (l.group === group ? [{ v, coef: problem.unitLoad[l.item] ?? 1 }] : []));
    if (terms.length > 0) constraints.push({ name: `capacity${group}`, terms, op: '<=', rhs: cap });
  });
  lines.forEach((l, v) => {
    const f = floorVar.get(l.item * 4 + l.priority) as number;
    constraints.push({ name: `floor${v}`, terms: [{ v, coef: 1 }, { v: f, coef: -l.needed }], op: '>=', rhs: 0 });
  });
  return { model: { sense: 'max', variables, constraints }, floorVar };
}
