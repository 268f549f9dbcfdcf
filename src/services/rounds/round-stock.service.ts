/**
 * Stock and a round's plan, inside the transaction that stores the plan (see mergeRound).
 *
 * Shortage policy: a plan never promises what the depot does not hold. The stops whose items cannot
 * all be reserved leave the plan; their needs are recorded unserved with reason `stock-short` and go
 * back to accepted, for a later round once stock arrives. The rest of the round is stored and reserved
 * as usual, rather than the whole round failing for one short item. Stops are served in the order
 * planLines gives (urgent stops first, then every trip's first stop, then every second one...), so a
 * shortage trims the ends of the trips instead of emptying whole trips or communities.
 */
import { available, type ReserveLine } from '../../domain/stock';
import { moveNeeds } from '../../store/round.repository';
import type { Plan } from '../../store/round-plan.repository';
import { medicineBagIdsOnPlan, removeNeedFromStop, withdrawnNeedsOnPlan } from '../../store/round-manifest.repository';
import { addUnserved, closeRanks, deleteEmptyTrips, removeStops } from '../../store/round-stops.repository';
import { keyOf, lockBalances } from '../../store/stock.repository';
import { reservedStopIds } from '../../store/stock-round.repository';
import type { Db } from '../../store/db';
import type { Clock } from '../../shared/clock';
import { medicineBagsOf } from '../procurement/procurement.service';
import { planLines, reserveLines } from '../stock/stock-round.service';

export const STOCK_SHORT = 'stock-short';

/**
 * Reserves the stored plan's stock stop by stop while it lasts, and drops the stops it cannot cover
 * (see the policy above). Must run in the caller's transaction: the balances stay locked until it commits.
 * Returns the needs left unserved for want of stock.
 */
export async function reservePlanWithinStock(trx: Db, clock: Clock, roundId: string, actor: string): Promise<string[]> {
  await dropWithdrawnNeeds(trx, roundId);
  const { lines } = await planLines(trx, roundId);
  // Stops reserved before (locked stops kept through a re-plan) hold their stock already.
  const done = await reservedStopIds(trx, roundId);
  const byStop = new Map<string, ReserveLine[]>();
  for (const l of lines) if (l.stopId !== null && !done.has(l.stopId)) byStop.set(l.stopId, [...(byStop.get(l.stopId) ?? []), l]);
  const balances = await lockBalances(trx, [...byStop.values()].flat());
  const free = new Map([...balances].map(([k, b]) => [k, available(b)]));
  const kept: ReserveLine[] = [];
  const short: string[] = [];
  for (const [stopId, stopLines] of byStop) {
    const want = new Map<string, number>();
    for (const l of stopLines) want.set(keyOf(l), (want.get(keyOf(l)) ?? 0) + l.quantity);
    if ([...want].every(([k, q]) => (free.get(k) ?? 0) >= q)) {
      for (const [k, q] of want) free.set(k, (free.get(k) ?? 0) - q);
      kept.push(...stopLines);
    } else {
      short.push(stopId);
    }
  }
  const unserved = await dropStops(trx, roundId, short, actor);
  if (kept.length) await reserveLines({ db: trx, clock }, roundId, kept, actor);
  return unserved;
}

/**
 * Needs cancelled while their round was being planned (the cancel committed before this merge, so
 * they did not become planned) leave the stored plan before anything is reserved for them.
 */
async function dropWithdrawnNeeds(trx: Db, roundId: string): Promise<void> {
  for (const g of await withdrawnNeedsOnPlan(trx, roundId)) await removeNeedFromStop(trx, roundId, g.stopId, g.tripId, g.needId);
}

/** Takes stops out of a stored plan: their needs unserved (stock-short) and accepted again; trips close ranks. */
async function dropStops(trx: Db, roundId: string, stopIds: string[], actor: string): Promise<string[]> {
  if (stopIds.length === 0) return [];
  const needs = await removeStops(trx, roundId, stopIds);
  await addUnserved(trx, roundId, needs, STOCK_SHORT);
  await moveNeeds(trx, needs, 'planned', 'accepted', actor, `round ${roundId}: ${STOCK_SHORT}`);
  // Trip distances and durations are the solver's and now overstate the trimmed trips; they are not re-solved.
  await closeRanks(trx, roundId);
  await deleteEmptyTrips(trx, roundId);
  return needs;
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
