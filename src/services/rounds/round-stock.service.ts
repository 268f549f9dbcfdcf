/**
 * Stock and a round's plan, inside the transaction that stores the plan (see mergeRound).
 *
 * The round's allocation (round-allocation.service) decided before routing what each need gets, so
 * reserving the stored plan only places each need's items at a depot: its trip's depot first, then
 * the round's other depots (a unit drawn from another depot is moved before loading; the line names
 * its depot). If stock moved meanwhile and a need's items are no longer there, that need alone is
 * allocated again against what is free (substitutes, optional parts), and only if that fails too is it
 * taken off its stop, unserved `stock-short` naming what it lacked; the other needs of the stop stay.
 */
import { expandComponents, type Catalogue } from '../../domain/kit';
import type { NeedItems, StockShortDetail } from '../../domain/round-plan';
import { available, needProduct, type ReserveLine } from '../../domain/stock';
import { allocateRound } from '../../planning/allocation/round-allocation';
import { jsLpSolver } from '../../planning/lp/js-lp-solver.adapter';
import { loadCatalogue } from '../../store/item.repository';
import { getRound, moveNeeds } from '../../store/round.repository';
import type { Plan } from '../../store/round-plan.repository';
import { medicineBagIdsOnPlan, removeNeedFromStop, withdrawnNeedsOnPlan } from '../../store/round-manifest.repository';
import { addUnservedWithDetail, clearHolds, depotNames, setNeedItems } from '../../store/round-allocation.repository';
import { keyOf, lockBalances } from '../../store/stock.repository';
import { plannedStockNeeds, reservedStopIds, type PlannedStockNeed } from '../../store/stock-round.repository';
import type { Db } from '../../store/db';
import type { Clock } from '../../shared/clock';
import { STOCK_KINDS } from '../../domain/need-kinds';
import { medicineBagsOf } from '../procurement/procurement.service';
import { reserveLines } from '../stock/stock-round.service';
import { STOCK_SHORT, type RoundAllocationSummary } from './round-allocation.service';

export { STOCK_SHORT };

/**
 * Reserves the stored plan's stock need by need (see the module comment). Must run in the caller's
 * transaction: the balances stay locked until it commits. Returns the needs left unserved for want of stock.
 */
export async function reservePlanWithinStock(trx: Db, clock: Clock, roundId: string, actor: string): Promise<string[]> {
  await dropWithdrawnNeeds(trx, roundId);
  await clearHolds(trx, roundId);
  // Stops reserved before (locked stops kept through a re-plan) hold their stock already.
  const done = await reservedStopIds(trx, roundId);
  const needs = (await plannedStockNeeds(trx, roundId, STOCK_KINDS.map((k) => k.kind))).filter((n) => !done.has(n.stopId));
  if (needs.length === 0) return [];
  const catalogue = await loadCatalogue(trx);
  const planned = new Map(needs.map((n) => [n.needId, itemsOf(catalogue, n)]));
  // Where the trips load, and every depot whose stock the allocation counted (units moved before loading).
  const depots = [...new Set([...needs.map((n) => n.depotId), ...(await allocatedDepotIds(trx, roundId))])].sort();
  const codes = new Set<string>();
  for (const n of needs) for (const c of componentsOf(catalogue, n)) [c.code, ...c.substitutes].forEach((x) => codes.add(x));
  for (const i of planned.values()) for (const l of i?.lines ?? []) codes.add(l.item);
  const balances = await lockBalances(trx, depots.flatMap((depotId) => [...codes].map((itemCode) => ({ depotId, itemCode }))));
  const free = new Map([...balances].map(([k, b]) => [k, available(b)]));

  const kept: ReserveLine[] = [];
  const given: { needId: string; items: NeedItems }[] = [];
  const short: { need: PlannedStockNeed; detail: StockShortDetail }[] = [];
  for (const n of needs) {
    const want = planned.get(n.needId);
    if (!want) continue; // not stock-tracked (its product is not in the catalogue)
    const order = [n.depotId, ...depots.filter((d) => d !== n.depotId)];
    let placed = place(want, order, free);
    let items = want;
    if (!placed) {
      // Stock moved since the allocation: this need alone, against what is free now.
      const again = reallocate(catalogue, n, order, free);
      if (again.served) {
        items = again.items;
        placed = place(items, order, free);
      }
      if (!placed) {
        short.push({ need: n, detail: { short: again.served ? [] : again.short, depots: order } });
        continue;
      }
    }
    for (const l of placed) {
      free.set(keyOf(l), (free.get(keyOf(l)) ?? 0) - l.quantity);
      kept.push({ stopId: n.stopId, depotId: l.depotId, itemCode: l.itemCode, quantity: l.quantity });
    }
    // Written back only where the need's stored items (the allocation's) no longer say it: most of a
    // district's needs are placed as allocated, at their trip's depot, and rewriting all 60,000 was
    // a large part of the merge's reservation step (issue #21).
    if (!(n.items && items === n.items && placedAsStored(n.items, placed, n.depotId))) {
      given.push({ needId: n.needId, items: { lines: placed.map((l) => ({ item: l.itemCode, quantity: l.quantity, depotId: l.depotId, ...(l.for ? { for: l.for } : {}) })), leftOut: items.leftOut } });
    }
  }
  const unserved = await dropNeeds(trx, roundId, short, actor);
  await setNeedItems(trx, roundId, given);
  if (kept.length) await reserveLines({ db: trx, clock }, roundId, perStopAndItem(kept), actor);
  return unserved;
}

/** The depots the round's allocation counted (rounds.allocation, RoundAllocationSummary.depotIds). */
async function allocatedDepotIds(trx: Db, roundId: string): Promise<string[]> {
  const summary = (await getRound(trx, roundId))?.allocation as Partial<RoundAllocationSummary> | null | undefined;
  return Array.isArray(summary?.depotIds) ? summary.depotIds : [];
}

function componentsOf(catalogue: Catalogue, n: PlannedStockNeed): ReturnType<typeof expandComponents> {
  const product = needProduct(n.kind, n.details);
  return product && catalogue.has(product.code) ? expandComponents(catalogue, product.code, product.quantity, n.members) : [];
}

/** What the need is to get: the allocation's answer, else (a need the allocation never saw) its product's items. */
function itemsOf(catalogue: Catalogue, n: PlannedStockNeed): NeedItems | undefined {
  if (n.items) return n.items;
  const components = componentsOf(catalogue, n);
  return components.length ? { lines: components.map((c) => ({ item: c.code, quantity: c.quantity })), leftOut: [] } : undefined;
}

type Placed = { depotId: string; itemCode: string; quantity: number; for?: string };

/**
 * Whether `placed` is `items` line for line, each whole at the depot the stored items name (a line
 * naming none is at its trip's depot, `tripDepotId`: how planLines and the stock reads take it).
 */
function placedAsStored(items: NeedItems, placed: readonly Placed[], tripDepotId: string): boolean {
  return placed.length === items.lines.length && items.lines.every((l, i) => {
    const p = placed[i]!;
    return p.itemCode === l.item && p.quantity === l.quantity && p.depotId === (l.depotId ?? tripDepotId);
  });
}

/** Each line at the first depots (in `order`) that have it, split if need be; undefined if some line can't be covered. */
function place(items: NeedItems, order: readonly string[], free: ReadonlyMap<string, number>): Placed[] | undefined {
  // What this need takes so far, beside `free` (not a copy of it: a district's 137,000 needs each copied every depot's every item).
  const taken = new Map<string, number>();
  const out: Placed[] = [];
  for (const l of items.lines) {
    let want = l.quantity;
    for (const depotId of order) {
      const k = keyOf({ depotId, itemCode: l.item });
      const q = Math.min(want, (free.get(k) ?? 0) - (taken.get(k) ?? 0));
      if (q <= 0) continue;
      taken.set(k, (taken.get(k) ?? 0) + q);
      out.push({ depotId, itemCode: l.item, quantity: q, ...(l.for ? { for: l.for } : {}) });
      want -= q;
      if (want === 0) break;
    }
    if (want > 0) return undefined;
  }
  return out;
}

/** One need allocated again against the free units of the round's depots (summed). */
function reallocate(catalogue: Catalogue, n: PlannedStockNeed, depots: readonly string[], free: ReadonlyMap<string, number>):
  { served: true; items: NeedItems } | { served: false; short: StockShortDetail['short'] } {
  const components = componentsOf(catalogue, n);
  const stock: Record<string, number> = {};
  for (const c of components) {
    for (const code of [c.code, ...c.substitutes]) stock[code] = depots.reduce((s, d) => s + Math.max(0, free.get(keyOf({ depotId: d, itemCode: code })) ?? 0), 0);
  }
  const need = { id: n.needId, group: 'one', priority: 4 as const,
    components: components.map((c) => ({ item: c.code, quantity: c.quantity, substitutes: c.substitutes, optional: c.optional })) };
  const [a] = allocateRound({ needs: [need], stock }, { solver: jsLpSolver, timeLimitMs: 1000, now: () => performance.now() }).needs;
  if (!a) return { served: false, short: [] };
  return a.served ? { served: true, items: { lines: a.lines, leftOut: a.leftOut } } : { served: false, short: a.short };
}

/**
 * Needs cancelled while their round was being planned (the cancel committed before this merge, so
 * they did not become planned) leave the stored plan before anything is reserved for them.
 */
async function dropWithdrawnNeeds(trx: Db, roundId: string): Promise<void> {
  for (const g of await withdrawnNeedsOnPlan(trx, roundId)) await removeNeedFromStop(trx, roundId, g.stopId, g.tripId, g.needId);
}

/** Takes needs off their stops (a stop left empty goes, its trip closes ranks): unserved with what they lacked, accepted again. */
async function dropNeeds(trx: Db, roundId: string, short: readonly { need: PlannedStockNeed; detail: StockShortDetail }[], actor: string): Promise<string[]> {
  if (short.length === 0) return [];
  const names = await depotNames(trx, [...new Set(short.flatMap((s) => s.detail.depots))]);
  for (const { need } of short) await removeNeedFromStop(trx, roundId, need.stopId, need.tripId, need.needId);
  await addUnservedWithDetail(trx, roundId, short.map((s) => ({ needId: s.need.needId, reason: STOCK_SHORT, detail: { ...s.detail, depots: s.detail.depots.map((d) => names.get(d) ?? d) } })));
  const ids = short.map((s) => s.need.needId);
  await moveNeeds(trx, ids, 'planned', 'accepted', actor, `round ${roundId}: ${STOCK_SHORT}`);
  return ids;
}

/**
 * Puts on the manifest the label of the bag each packed medicine need was packed in (what the driver
 * reads at the door) in place of the generated id. A household's bag can hold several of its needs,
 * while the manifest has one row per need with unique ids: the second need of a bag gets `MB-…-2`.
 */
export async function withMedicineBagIds(db: Db, roundId: string, plan: Plan): Promise<Plan> {
  const medicine = plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.filter((b) => b.item === 'medicine').map((b) => b.needId)));
  const ids = [...new Set(medicine)].sort();
  const labels = new Map<string, string>();
  // In slices: one bind parameter per id, and PostgreSQL takes at most 65,535 per statement.
  for (let i = 0; i < ids.length; i += 5000) {
    for (const [needId, bagId] of await medicineBagsOf({ db: db }, ids.slice(i, i + 5000))) labels.set(needId, bagId);
  }
  if (labels.size === 0) return plan;
  // Ids the round's manifest holds already (a stop locked through a re-plan keeps its rows).
  const used = new Set(await medicineBagIdsOnPlan(db, roundId));
  const relabel = (needId: string, bagId: string): string => {
    const label = labels.get(needId);
    if (!label) return bagId; // emergency medicine, never bought: the generated id
    let id = label;
    for (let n = 2; used.has(id); n++) id = `${label}-${n}`;
    used.add(id);
    return id;
  };
  return {
    ...plan,
    trips: plan.trips.map((t) => ({ ...t, stops: t.stops.map((s) => ({ ...s, bags: s.bags.map((b) => (b.item === 'medicine' ? { ...b, bagId: relabel(b.needId, b.bagId) } : b)) })) })),
  };
}

/**
 * One reservation line per stop, depot and item: the needs of a stop are handed over together, and a
 * district's plan, line by line per need, was 137,000 needs x their items (over 500,000 ledger rows,
 * past reserveLines' bound) where per stop it is a tenth of that.
 */
function perStopAndItem(lines: readonly ReserveLine[]): ReserveLine[] {
  const merged = new Map<string, ReserveLine>();
  for (const l of lines) {
    const key = `${l.stopId}|${keyOf(l)}`;
    const seen = merged.get(key);
    if (seen) seen.quantity += l.quantity;
    else merged.set(key, { ...l });
  }
  return [...merged.values()];
}
