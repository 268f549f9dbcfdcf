/**
 * Allocation before routing (see src/planning/allocation/round-allocation.ts): a round's claimed needs
 * against the stock free at the depots its vehicles load at, less what other rounds being planned
 * hold. Only what is allocated is routed; a need the stock can't cover is unserved, naming the items
 * it lacked and the depots tried, and stays accepted for a later round. The round keeps the
 * explanation (shown on the proposal) and holds its units until its plan is stored and reserved.
 */
import { allocationClass } from '../../domain/need-kinds';
import type { NeedItems, StockShortDetail } from '../../domain/round-plan';
import { expandComponents } from '../../domain/kit';
import { needProduct } from '../../domain/stock';
import type { NeedAllocation, NeedComponent, NeedToAllocate, RoundAllocation, RoundAllocationInput } from '../../planning/allocation/round-allocation';
import { allocateWithPreferredSolver, type ChosenAllocation } from '../../planning/allocation/allocate-round';
import type { Db } from '../../store/db';
import { type Steps, untimed } from '../../shared/steps';
import { loadCatalogue } from '../../store/item.repository';
import {
  addUnservedWithDetail, freeStockAt, linkUnallocated, heldByOtherRounds, needsForAllocation, replaceHolds, setRoundAllocation, type AllocationRow,
} from '../../store/round-allocation.repository';

export const STOCK_SHORT = 'stock-short';

type Served = Extract<NeedAllocation, { served: true }>;

/**
 * Budget of the whole allocation (all classes). Past it, a class is shared by the even-share rule,
 * and the proposal says so (method 'greedy' or 'mixed', per-class stages).
 */
export const ALLOCATION_TIME_LIMIT_MS = 2000;

/**
 * Runs the pure allocation (allocate-round.ts). The workers give their round thread's
 * (workers/solve-thread.ts): a district's 137,000 needs are seconds of CPU, which held the worker's
 * event loop past the `round.prepare` job's lock (issue #21). Default: here.
 */
export type RoundAllocator = (input: RoundAllocationInput, timeLimitMs: number) => Promise<ChosenAllocation>;
export const allocateHere: RoundAllocator = (input, timeLimitMs) => allocateWithPreferredSolver(input, timeLimitMs, () => performance.now());

/** What the proposal shows of the allocation (rounds.allocation). */
export interface RoundAllocationSummary {
  method: RoundAllocation['lp']['method'];
  solver: string;
  /** The LP's time (all classes). */
  elapsedMs: number;
  /** The whole allocation step: reading the needs, catalogue and stock, the LP, serving needs, storing the outcome. */
  stepMs: number;
  stages: RoundAllocation['lp']['stages'];
  lines: RoundAllocation['lines'];
  served: number;
  unserved: number;
  substituted: number;
  /**
   * The depots whose free stock the allocation counted (where the round's free vehicles load). The
   * reservation after routing places the round's needs at these too, not only where its trips start:
   * a round is given only the vehicles it can use, so a depot counted here may have no trip of its own.
   */
  depotIds: string[];
}

/**
 * Allocates the `claimed` needs (read with their claim) in the caller's transaction, stores the
 * unserved ones and the explanation, and returns the ids of the needs to route, with what each was
 * given (stored as they are linked to the round's sub-problems).
 * `steps` splits its time for the 'round prepared' log: reads, the solve (on the round thread in
 * the workers), the unserved needs' rows, the holds and summary.
 */
export async function allocateRoundStock(trx: Db, roundId: string, claimed: readonly AllocationRow[], depotIds: readonly string[], allocate: RoundAllocator = allocateHere, steps: Steps = untimed): Promise<{ served: string[]; items: Map<string, NeedItems> }> {
  const started = performance.now();
  const needs = needsForAllocation(claimed);
  const catalogue = await loadCatalogue(trx);
  // A kit's components by product, quantity and household size: a district's needs share a few dozen.
  const kits = new Map<string, NeedComponent[]>();
  const componentsOf = (code: string, quantity: number, members: number): NeedComponent[] => {
    const key = `${code}|${quantity}|${members}`;
    let components = kits.get(key);
    if (!components) {
      components = expandComponents(catalogue, code, quantity, members).map((c) => ({ item: c.code, quantity: c.quantity, substitutes: c.substitutes, optional: c.optional }));
      kits.set(key, components);
    }
    return components;
  };
  const toAllocate: NeedToAllocate[] = needs.map((n) => {
    const product = n.details && needProduct(n.kind, n.details);
    // A product missing from the catalogue is not stock-tracked: routed without a reservation, as before.
    const components = product && catalogue.has(product.code) ? componentsOf(product.code, product.quantity, n.members) : [];
    return { id: n.id, group: n.communityId, priority: allocationClass(n.kind, n.urgency, n), components };
  });
  const free = await freeStockAt(trx, depotIds);
  const held = await heldByOtherRounds(trx, roundId);
  const stock: Record<string, number> = {};
  for (const f of free) stock[f.itemCode] = (stock[f.itemCode] ?? 0) + f.available;
  for (const [item, q] of held) if (stock[item] !== undefined) stock[item] = Math.max(0, stock[item] - q);
  steps.step('allocate.read');
  const { allocation: result, solver } = await allocate({ needs: toAllocate, stock }, ALLOCATION_TIME_LIMIT_MS);
  steps.step('allocate.solve');

  const depots = [...new Set(free.map((f) => f.depotName))];
  const unserved = result.needs.flatMap((a) => (a.served ? [] : [{ needId: a.needId, reason: STOCK_SHORT, detail: { short: a.short, depots } satisfies StockShortDetail }]));
  await addUnservedWithDetail(trx, roundId, unserved);
  // Linked to the round outside any sub-problem: a re-plan (once stock arrives) takes them up again.
  await linkUnallocated(trx, roundId, unserved.map((u) => u.needId));
  steps.step('allocate.unserved');
  const items = new Map<string, NeedItems>();
  const holds = new Map<string, number>();
  // Needs given alike share one NeedItems (the workers' allocation hands back each outcome's lines
  // once, workers/allocation-wire.ts): the links then carry a few dozen item sets, not 137,000.
  const alike = new Map<Served['lines'], Map<Served['leftOut'], NeedItems>>();
  const itemsOf = (a: Served): NeedItems => {
    const byLeftOut = alike.get(a.lines) ?? new Map<Served['leftOut'], NeedItems>();
    alike.set(a.lines, byLeftOut);
    let given = byLeftOut.get(a.leftOut);
    if (!given) byLeftOut.set(a.leftOut, (given = { lines: a.lines.map((l) => ({ ...l })), leftOut: a.leftOut }));
    return given;
  };
  for (const a of result.needs) {
    if (!a.served || a.lines.length + a.leftOut.length === 0) continue;
    items.set(a.needId, itemsOf(a));
    for (const l of a.lines) holds.set(l.item, (holds.get(l.item) ?? 0) + l.quantity);
  }
  await replaceHolds(trx, roundId, holds);
  const summary: RoundAllocationSummary = {
    method: result.lp.method, solver, elapsedMs: Math.round(result.lp.elapsedMs), stages: result.lp.stages, lines: result.lines,
    served: result.needs.length - unserved.length, unserved: unserved.length,
    substituted: result.lines.reduce((s, l) => s + l.substituted, 0),
    depotIds: [...new Set(depotIds)].sort(),
    stepMs: Math.round(performance.now() - started),
  };
  await setRoundAllocation(trx, roundId, summary);
  steps.step('allocate.holds');
  return { served: result.needs.filter((a) => a.served).map((a) => a.needId), items };
}
