/**
 * The community-level allocation LP, one priority class at a time (lexicographic: a less urgent class
 * only gets what the more urgent ones left, so no weight can ever trade emergency medicine for food).
 * For class p: x_k in [0, need_k] per (group, item) line, a fairness floor f_i in [0, 1] per item with
 * x_k + u_k >= f_i * need_k, where u_k >= 0 is a shortfall excused only for groups with a load capacity
 * (a group that cannot take more must not drag everybody's floor down). Maximise
 *   sum_i N_i f_i + sum_k x_k - 1.5 sum_k u_k
 * subject to remaining stock per item and remaining capacity per group. N_i f_i makes a short item spread
 * evenly (max-min share) instead of landing on any vertex; the excuse costs more than a unit is worth, so
 * it is only used where capacity, not stock, is the limit.
 *
 * Units come first within a class too. Without group capacities the items are independent and the fair
 * objective never costs a unit; with them it can (raising one item's floor in a full group pushes out
 * another item's units), so such a class is solved twice: the most units U* (`unitsModel`), then the
 * fairest spread among the solutions with at least U* (`holdUnits`).
 */
import type { LpConstraint, LpModel, LpVariable } from '../lp/lp.model';
import type { AllocationInput, PriorityClass } from './allocation.types';

export interface NormalLine {
  group: number;
  item: number;
  priority: PriorityClass;
  needed: number;
}

/** The input in index form: duplicate need lines merged, stock summed over depots and rounded down. */
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

/** Cost of one unit of excused shortfall, relative to one unit allocated. */
export const EXCUSE_COST = 1.5;

export interface StageModel {
  model: LpModel;
  /** Indices (into problem.lines) of the class's lines: variable j is line lineIdx[j]. */
  lineIdx: number[];
  /** Variable index of each item's floor. */
  floorVar: Map<number, number>;
  /** Whether a group of the class has a load room (then fairness could cost units). */
  roomBound: boolean;
}

/** The LP for one class, given what earlier classes left (`stockLeft` per item, `roomLeft` per group). */
export function buildStageModel(problem: AllocationProblem, priority: PriorityClass, stockLeft: number[], roomLeft: number[]): StageModel {
  const lineIdx = problem.lines.flatMap((l, k) => (l.priority === priority ? [k] : []));
  const lines = lineIdx.map((k) => problem.lines[k] as NormalLine);
  const variables: LpVariable[] = lines.map((l, j) => ({ name: `x${lineIdx[j]}`, cost: 1, upper: l.needed }));
  const constraints: LpConstraint[] = [];
  const floorVar = new Map<number, number>();
  const itemNeed = new Map<number, number>();
  for (const l of lines) itemNeed.set(l.item, (itemNeed.get(l.item) ?? 0) + l.needed);
  for (const [item, need] of itemNeed) {
    floorVar.set(item, variables.length);
    variables.push({ name: `floor${item}`, cost: need, upper: 1 });
  }
  const stockRows = new Map<number, LpConstraint>();
  const roomRows = new Map<number, LpConstraint>();
  lines.forEach((l, v) => {
    let s = stockRows.get(l.item);
    if (!s) stockRows.set(l.item, (s = { name: `stock${l.item}`, terms: [], op: '<=', rhs: stockLeft[l.item] ?? 0 }));
    s.terms.push({ v, coef: 1 });
    const room = roomLeft[l.group] ?? Infinity;
    const floorRow: LpConstraint = { name: `floor${lineIdx[v]}`, terms: [{ v, coef: 1 }, { v: floorVar.get(l.item) as number, coef: -l.needed }], op: '>=', rhs: 0 };
    if (Number.isFinite(room)) {
      let r = roomRows.get(l.group);
      if (!r) roomRows.set(l.group, (r = { name: `capacity${l.group}`, terms: [], op: '<=', rhs: room }));
      r.terms.push({ v, coef: problem.unitLoad[l.item] ?? 1 });
      floorRow.terms.push({ v: variables.length, coef: 1 });
      variables.push({ name: `excuse${lineIdx[v]}`, cost: -EXCUSE_COST, upper: l.needed });
    }
    constraints.push(floorRow);
  });
  constraints.push(...stockRows.values(), ...roomRows.values());
  return { model: { sense: 'max', variables, constraints }, lineIdx, floorVar, roomBound: roomRows.size > 0 };
}

/** The class's model with the units alone as objective (the floors and excuses still feasible, worth 0). */
export function unitsModel(stage: StageModel): LpModel {
  const lines = stage.lineIdx.length;
  return { ...stage.model, variables: stage.model.variables.map((v, j) => ({ ...v, cost: j < lines ? 1 : 0 })) };
}

/** The class's fair model, held to at least `units` units (a hair less, for the solvers' tolerance). */
export function holdUnits(stage: StageModel, units: number): LpModel {
  const terms = stage.lineIdx.map((_, v) => ({ v, coef: 1 }));
  const rhs = units - 1e-7 * Math.max(1, units);
  return { ...stage.model, constraints: [...stage.model.constraints, { name: 'units', terms, op: '>=', rhs }] };
}
