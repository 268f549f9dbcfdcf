/**
 * Stock for rounds, called by the rounds service:
 *   reserveForRound  when a round is planned (its plan's needs, expanded into items, at each trip's depot);
 *   releaseForStop   when a stop is cancelled (what that stop still holds goes back to available);
 *   releaseForNeed   when one need of a stop is cancelled before dispatch (that need's share only);
 *   releaseForRound  when a whole plan is dropped;
 *   deductForRound   when the round is dispatched (every batch loaded); deductForBatch for one trip's batch (reserved and on hand both go down, first-to-expire lots first).
 * Reservations are all-or-nothing per call and idempotent per (round, stop); releases and deductions act
 * on what is still held, so repeating any of them changes nothing. Balance rows are locked in one fixed
 * order, so concurrent rounds queue up on shared stock: none goes negative, no reservation is lost.
 * Given a transaction as `deps.db`, each runs inside it (store the plan and reserve its stock in one
 * commit); pass no publisher then, as alerts would go out before the caller commits.
 */
import { z } from 'zod';
import { available, insufficientStock, parseInput, reserveLineSchema, takeFefo, type ReserveLine, type Shortage } from '../../domain/stock';
import type { Clock } from '../../shared/clock';

import { loadCatalogue } from '../../store/item.repository';
import { heldByRound, type HeldLine } from '../../store/stock-read.repository';
import { appendMovements, inStockTransaction, keyOf, lockBalances, lotBalances, type NewMovement } from '../../store/stock.repository';
import { lockRoundStock, plannedStockNeeds, reservedStopIds, roundStopIds, tripStopIds } from '../../store/stock-round.repository';
import { expandNeeds } from './kit.service';
import { assertDepots, assertStockItems } from './stock-checks';
import { publishMinimumAlerts, type StockAlertPublisher } from './stock-alerts.service';
import { STOCK_KINDS } from '../../domain/need-kinds';
import type { Db } from '../../store/db';

export interface StockRoundDeps {
  db: Db;
  clock: Clock;
  publisher?: StockAlertPublisher | undefined;
}

const roundIdSchema = z.uuid();
const stopIdSchema = z.string().regex(/^\d+$/, 'a stop id');

export interface ReserveResult {
  /** Lines reserved by this call (empty when every stop was reserved before). */
  reserved: ReserveLine[];
  /** Stops skipped because they already hold their reservation. */
  alreadyReserved: (string | null)[];
}

/** Reserves every line or none (409 `conflict` naming each shortage). */
export async function reserveLines(deps: StockRoundDeps, roundId: string, lines: unknown, actor: string): Promise<ReserveResult> {
  parseInput(roundIdSchema, roundId);
  // A district's plan: 10,000 stops of a few dozen items each.
  const wanted = parseInput(z.array(reserveLineSchema).max(1_000_000), lines);
  const at = deps.clock.now();
  const result = await inStockTransaction(deps.db, async (trx) => {
    await lockRoundStock(trx, roundId);
    const done = await reservedStopIds(trx, roundId);
    const todo = wanted.filter((l) => !done.has(l.stopId));
    const asked = new Set(wanted.map((l) => l.stopId));
    const skipped = [...done].filter((stop) => asked.has(stop));
    if (todo.length === 0) return { reserved: [], alreadyReserved: skipped };
    await assertDepots(trx, todo.map((l) => l.depotId));
    await assertStockItems(trx, todo.map((l) => l.itemCode));
    const balances = await lockBalances(trx, todo);
    const requested = new Map<string, number>();
    for (const l of todo) requested.set(keyOf(l), (requested.get(keyOf(l)) ?? 0) + l.quantity);
    const shortages: Shortage[] = [];
    for (const [key, q] of requested) {
      const free = available(balances.get(key) ?? { onHand: 0, reserved: 0 });
      const [depotId = '', itemCode = ''] = key.split('|');
      if (free < q) shortages.push({ depotId, itemCode, requested: q, available: free });
    }
    if (shortages.length) throw insufficientStock(shortages);
    await appendMovements(trx, todo.map((l) => ({ ...l, movement: 'reservation' as const, onHandDelta: 0, reservedDelta: l.quantity, roundId })), actor, at);
    return { reserved: todo, alreadyReserved: skipped };
  });
  if (deps.publisher) await publishMinimumAlerts({ db: deps.db, publisher: deps.publisher }, result.reserved);
  return result;
}

export interface RoundReserveResult extends ReserveResult {
  /** Needs whose product is not in the catalogue: not stock-tracked, so nothing was reserved for them. */
  untracked: { needId: string; code: string }[];
}

/** Reserves the stored plan of a round: each pending stop's needs, expanded into items, at its trip's depot. */
export async function reserveForRound(deps: StockRoundDeps, roundId: string, actor: string): Promise<RoundReserveResult> {
  const { lines, untracked } = await planLines(deps.db, roundId);
  const result = await reserveLines(deps, roundId, lines, actor);
  return { ...result, untracked };
}

/**
 * What a round's stored plan takes from stock: per pending stop, its needs expanded into items at its
 * trip's depot. Stops come urgent first, then by position on their trips (every trip's first stop, then
 * every second one...), the order in which a short depot serves them.
 */
export async function planLines(db: Db, roundId: string, onlyNeedId?: string): Promise<{ lines: ReserveLine[]; untracked: RoundReserveResult['untracked'] }> {
  parseInput(roundIdSchema, roundId);
  // Only stock kinds are read: medicine details never leave the database here.
  const rows = await plannedStockNeeds(db, roundId, STOCK_KINDS.map((k) => k.kind), onlyNeedId);
  const { items, missing } = expandNeeds(await loadCatalogue(db), rows.filter((r) => !r.items).map((r) => ({ id: r.needId, kind: r.kind, details: r.details, members: r.members })));
  const lines = new Map<string, ReserveLine>();
  for (const r of rows) {
    // What the allocation gave the need (with the depot each line was reserved at), else its product's items at the trip's depot.
    const given = r.items ? r.items.lines.map((l) => ({ itemCode: l.item, quantity: l.quantity, depotId: l.depotId ?? r.depotId }))
      : [...(items.get(r.needId) ?? [])].map(([itemCode, quantity]) => ({ itemCode, quantity, depotId: r.depotId }));
    for (const { itemCode, quantity, depotId } of given) {
      const k = `${r.stopId}|${depotId}|${itemCode}`;
      const line = lines.get(k) ?? { stopId: r.stopId, depotId, itemCode, quantity: 0 };
      line.quantity += quantity;
      lines.set(k, line);
    }
  }
  return { lines: [...lines.values()].filter((l) => l.quantity > 0), untracked: missing };
}

/** Gives back what the named stops (or the whole round) still hold: a release row per held line. */
async function release(deps: StockRoundDeps, roundId: string, stopIds: string[] | undefined, actor: string, reason: string): Promise<HeldLine[]> {
  const at = deps.clock.now();
  return inStockTransaction(deps.db, async (trx) => {
    const before = await heldByRound(trx, roundId, stopIds);
    if (before.length === 0) return [];
    await lockBalances(trx, before);
    const held = (await heldByRound(trx, roundId, stopIds)).filter((h) => h.held > 0);
    await appendMovements(trx, held.map((h) => ({ ...h, movement: 'release' as const, onHandDelta: 0, reservedDelta: -h.held, roundId, reason })), actor, at);
    return held;
  });
}

export async function releaseForStop(deps: StockRoundDeps, roundId: string, stopId: string, actor: string, reason = 'stop cancelled'): Promise<HeldLine[]> {
  parseInput(roundIdSchema, roundId);
  parseInput(stopIdSchema, stopId);
  return release(deps, roundId, [stopId], actor, reason);
}

/**
 * Gives back one need's share of what its stop holds (the need is cancelled before dispatch), while
 * the stop's other needs keep theirs. The share is the need's kit expansion, as when it was reserved,
 * capped at what the stop still holds. Call it while the need's bags are still on the stop's manifest,
 * in the caller's transaction (the manifest change and the release commit together).
 */
export async function releaseForNeed(deps: StockRoundDeps, roundId: string, stopId: string, needId: string, actor: string, reason: string): Promise<HeldLine[]> {
  parseInput(roundIdSchema, roundId);
  parseInput(stopIdSchema, stopId);
  const at = deps.clock.now();
  return inStockTransaction(deps.db, async (trx) => {
    const share = (await planLines(trx, roundId, needId)).lines.filter((l) => l.stopId === stopId);
    if (share.length === 0) return [];
    await lockBalances(trx, share);
    const held = new Map((await heldByRound(trx, roundId, [stopId])).map((h) => [keyOf(h), h.held]));
    const out: HeldLine[] = share.map((l) => ({ depotId: l.depotId, itemCode: l.itemCode, stopId, held: Math.min(l.quantity, held.get(keyOf(l)) ?? 0) }))
      .filter((h) => h.held > 0);
    await appendMovements(trx, out.map((h) => ({ ...h, movement: 'release' as const, onHandDelta: 0, reservedDelta: -h.held, roundId, reason })), actor, at);
    return out;
  });
}

/** Gives back what these stops still hold (stops failed at the door, or dropped from a plan). */
export async function releaseForStops(deps: StockRoundDeps, roundId: string, stopIds: string[], actor: string, reason: string): Promise<HeldLine[]> {
  parseInput(roundIdSchema, roundId);
  for (const id of stopIds) parseInput(stopIdSchema, id);
  if (stopIds.length === 0) return [];
  return release(deps, roundId, stopIds, actor, reason);
}

export async function releaseForRound(deps: StockRoundDeps, roundId: string, actor: string, reason = 'round dropped'): Promise<HeldLine[]> {
  parseInput(roundIdSchema, roundId);
  return release(deps, roundId, undefined, actor, reason);
}

/** Loading a trip: each of its stops' held units leave the depot (reserved and on hand both go down). */
export async function deductForBatch(deps: StockRoundDeps, roundId: string, tripId: string, actor: string): Promise<HeldLine[]> {
  parseInput(roundIdSchema, roundId);
  return deductForStops(deps, roundId, await tripStopIds(deps.db, roundId, tripId), actor);
}

/**
 * Every batch of the round loaded at once (dispatch): one read of the round's holds. Trip by trip,
 * each trip read the whole round's ledger again: 433 trips took 85 s to dispatch (district day).
 */
export async function deductForRound(deps: StockRoundDeps, roundId: string, actor: string): Promise<HeldLine[]> {
  parseInput(roundIdSchema, roundId);
  return deductForStops(deps, roundId, await roundStopIds(deps.db, roundId), actor);
}

export async function deductForStops(deps: StockRoundDeps, roundId: string, stopIds: string[], actor: string): Promise<HeldLine[]> {
  if (stopIds.length === 0) return [];
  const at = deps.clock.now();
  const deducted = await inStockTransaction(deps.db, async (trx) => {
    const before = await heldByRound(trx, roundId, stopIds);
    if (before.length === 0) return [];
    await lockBalances(trx, before);
    const held = (await heldByRound(trx, roundId, stopIds)).filter((h) => h.held > 0);
    await appendMovements(trx, await deductions(trx, roundId, held), actor, at);
    return held;
  });
  if (deps.publisher) await publishMinimumAlerts({ db: deps.db, publisher: deps.publisher }, deducted);
  return deducted;
}

/** Deduction rows for held lines, each split over the lots it takes from (first to expire first). */
async function deductions(trx: Db, roundId: string, held: HeldLine[]): Promise<NewMovement[]> {
  const out: NewMovement[] = [];
  const byKey = new Map<string, HeldLine[]>();
  for (const h of held) byKey.set(keyOf(h), [...(byKey.get(keyOf(h)) ?? []), h]);
  for (const lines of byKey.values()) {
    const first = lines[0] as HeldLine;
    const total = lines.reduce((s, h) => s + h.held, 0);
    const takes = takeFefo(await lotBalances(trx, first), total);
    let t = 0;
    for (const h of lines) {
      let need = h.held;
      while (need > 0) {
        const take = takes[t] as { lotId: string; quantity: number };
        const q = Math.min(need, take.quantity);
        out.push({ ...h, movement: 'deduction', onHandDelta: -q, reservedDelta: -q, lotId: take.lotId, roundId });
        take.quantity -= q;
        need -= q;
        if (take.quantity === 0) t++;
      }
    }
  }
  return out;
}
