/**
 * A round's allocation as it crosses to the workers' round thread and back. Sent as it is, a district's
 * 137,000 needs are 1.8 million small objects (each need's kit components with their substitutes),
 * whose structured clone took 2.5 s there and 1.4 s back, the way back on the worker's event loop:
 * more than the allocation itself (issue #21). Needs share a few dozen kits and their outcomes a few
 * dozen shapes, so each crosses once, and per need only its id, community, class and two indices.
 */
import type { ChosenAllocation } from '../src/planning/allocation/allocate-round';
import type { NeedAllocation, NeedComponent, NeedToAllocate, RoundAllocationInput } from '../src/planning/allocation/round-allocation';
import type { PriorityClass } from '../src/planning/allocation/allocation.types';

export interface PackedAllocationInput {
  ids: string[];
  groups: string[];
  priorities: Uint8Array;
  /** Per need, its kit in `kits`. */
  kitOf: Uint32Array;
  kits: (readonly NeedComponent[])[];
  stock: Readonly<Record<string, number>>;
}

/** What a need got, without its id. */
type Outcome = NeedAllocation extends infer A ? (A extends unknown ? Omit<A, 'needId'> : never) : never;

export interface PackedAllocation {
  outcomes: Outcome[];
  outcomeOf: Uint32Array;
  rest: Omit<ChosenAllocation['allocation'], 'needs'>;
  solver: string;
}

/** Numbers each distinct value of `key(x)` in order of first appearance. */
function indexer<T>(key: (x: T) => string): { of(x: T): number; values: T[] } {
  const seen = new Map<string, number>();
  const values: T[] = [];
  return {
    of(x) {
      const k = key(x);
      let i = seen.get(k);
      if (i === undefined) seen.set(k, (i = values.push(x) - 1));
      return i;
    },
    values,
  };
}

export function packAllocationInput(input: RoundAllocationInput): PackedAllocationInput {
  const n = input.needs.length;
  const kits = indexer<readonly NeedComponent[]>((c) => JSON.stringify(c));
  // Needs given the same kit array (round-allocation.service shares them) are matched without a key.
  const known = new Map<readonly NeedComponent[], number>();
  const kitOf = (c: readonly NeedComponent[]): number => {
    let i = known.get(c);
    if (i === undefined) known.set(c, (i = kits.of(c)));
    return i;
  };
  const packed: PackedAllocationInput = { ids: new Array<string>(n), groups: new Array<string>(n), priorities: new Uint8Array(n), kitOf: new Uint32Array(n), kits: kits.values, stock: input.stock };
  input.needs.forEach((need, i) => {
    packed.ids[i] = need.id;
    packed.groups[i] = need.group;
    packed.priorities[i] = need.priority;
    packed.kitOf[i] = kitOf(need.components);
  });
  return packed;
}

export function unpackAllocationInput(p: PackedAllocationInput): RoundAllocationInput {
  const needs: NeedToAllocate[] = p.ids.map((id, i) => ({ id, group: p.groups[i]!, priority: p.priorities[i] as PriorityClass, components: p.kits[p.kitOf[i]!]! }));
  return { needs, stock: p.stock };
}

/** `chosen.allocation.needs` must be in `input`'s order (allocateRound keeps it). */
export function packAllocation(chosen: ChosenAllocation, ids: readonly string[]): PackedAllocation {
  const { needs, ...rest } = chosen.allocation;
  const outcomes = indexer<Outcome>((o) => JSON.stringify(o));
  // Needs served alike share their lines' arrays (allocateRound): matched by them, not by their text.
  const served = new Map<unknown, Map<unknown, number>>();
  const outcomeOf = new Uint32Array(needs.length);
  needs.forEach((a, i) => {
    if (a.needId !== ids[i]) throw new Error(`allocation out of order at ${i}: ${a.needId}, not ${ids[i]}`);
    if (!a.served) {
      outcomeOf[i] = outcomes.of({ served: false, short: a.short });
      return;
    }
    let byLeftOut = served.get(a.lines);
    if (!byLeftOut) served.set(a.lines, (byLeftOut = new Map()));
    let k = byLeftOut.get(a.leftOut);
    if (k === undefined) byLeftOut.set(a.leftOut, (k = outcomes.of({ served: true, lines: a.lines, leftOut: a.leftOut })));
    outcomeOf[i] = k;
  });
  return { outcomes: outcomes.values, outcomeOf, rest, solver: chosen.solver };
}

/** Needs sharing an outcome share its lines: callers copy before they change one. */
export function unpackAllocation(p: PackedAllocation, ids: readonly string[]): ChosenAllocation {
  const needs = ids.map((needId, i) => ({ needId, ...p.outcomes[p.outcomeOf[i]!]! }) as NeedAllocation);
  return { allocation: { needs, ...p.rest }, solver: p.solver };
}
