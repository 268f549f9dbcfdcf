/**
 * Depot stock use cases: receipts (one lot each, with its expiry), transfers between depots,
 * adjustments with a reason, expiry write-offs, minimum levels. Every change is ledger rows plus the
 * balance summary in one transaction under row locks; input is checked before anything is written.
 */
import { randomUUID } from 'node:crypto';
import { adjustmentSchema, available, minimumSchema, notEnoughFree, parseInput, receiptSchema, takeFefo, transferSchema } from '../../domain/stock';
import type { Clock } from '../../shared/clock';

import { upsertMinimum } from '../../store/stock-read.repository';
import { appendMovements, getLot, inStockTransaction, insertLot, lockBalances, lotBalances, lotsExpiredBefore, type NewMovement, type StockKey } from '../../store/stock.repository';
import { assertDepots, assertStockItems } from './stock-checks';
import { publishMinimumAlerts, type StockAlertPublisher } from './stock-alerts.service';
import type { Db } from '../../store/db';

export interface StockDeps {
  db: Db;
  clock: Clock;
  /** Live publisher (src/services/live-status/live.service.ts); when given, stock falling below its minimum is published. */
  publisher?: StockAlertPublisher | undefined;
}

/**
 * Runs `body` in a transaction, then publishes minimum alerts for the stock it touched. Given a
 * transaction as `deps.db` (the demo seed writes everything in one), it runs inside it: the caller
 * commits, so it should pass no publisher (alerts would go out before the commit).
 */
async function moveStock<T>(deps: StockDeps, body: (trx: Db) => Promise<{ result: T; touched: StockKey[] }>): Promise<T> {
  const { result, touched } = await inStockTransaction(deps.db, body);
  if (deps.publisher) await publishMinimumAlerts({ db: deps.db, publisher: deps.publisher }, touched);
  return result;
}

export async function receiveStock(deps: StockDeps, input: unknown, actor: string): Promise<{ lotId: string }> {
  const r = parseInput(receiptSchema, input);
  const at = deps.clock.now();
  return moveStock(deps, async (trx) => {
    await assertDepots(trx, [r.depotId]);
    await assertStockItems(trx, [r.itemCode]);
    await lockBalances(trx, [r]);
    const lotId = await insertLot(trx, { ...r, expiresOn: r.expiresOn ?? null, reference: r.reference ?? null, at });
    await appendMovements(trx, [{ ...r, movement: 'receipt', onHandDelta: r.quantity, reservedDelta: 0, lotId, reason: r.reference ?? null }], actor, at);
    return { result: { lotId }, touched: [] };
  });
}

/** Moves free stock between depots, lot by lot (first to expire first); each lot keeps its expiry at the destination. */
export async function transferStock(deps: StockDeps, input: unknown, actor: string): Promise<{ transferId: string }> {
  const t = parseInput(transferSchema, input);
  const at = deps.clock.now();
  const from = { depotId: t.fromDepotId, itemCode: t.itemCode };
  const to = { depotId: t.toDepotId, itemCode: t.itemCode };
  return moveStock(deps, async (trx) => {
    await assertDepots(trx, [t.fromDepotId, t.toDepotId]);
    await assertStockItems(trx, [t.itemCode]);
    const balances = await lockBalances(trx, [from, to]);
    const free = available(balances.get(`${from.depotId}|${from.itemCode}`) ?? { onHand: 0, reserved: 0 });
    if (free < t.quantity) throw notEnoughFree(t.quantity, free, ['quantity']);
    const transferId = randomUUID();
    const moves: NewMovement[] = [];
    for (const take of takeFefo(await lotBalances(trx, from), t.quantity)) {
      const source = await getLot(trx, take.lotId);
      const lotId = await insertLot(trx, { ...to, expiresOn: source?.expiresOn ?? null, reference: `transfer ${transferId}`, sourceLotId: take.lotId, at });
      moves.push({ ...from, movement: 'transfer_out', onHandDelta: -take.quantity, reservedDelta: 0, lotId: take.lotId, transferId });
      moves.push({ ...to, movement: 'transfer_in', onHandDelta: take.quantity, reservedDelta: 0, lotId, transferId });
    }
    await appendMovements(trx, moves, actor, at);
    return { result: { transferId }, touched: [from] };
  });
}

/** A counted correction: up adds a lot, down takes free stock first-to-expire first (never reserved stock). */
export async function adjustStock(deps: StockDeps, input: unknown, actor: string): Promise<void> {
  const a = parseInput(adjustmentSchema, input);
  const at = deps.clock.now();
  const key = { depotId: a.depotId, itemCode: a.itemCode };
  await moveStock(deps, async (trx) => {
    await assertDepots(trx, [a.depotId]);
    await assertStockItems(trx, [a.itemCode]);
    const balance = (await lockBalances(trx, [key])).get(`${key.depotId}|${key.itemCode}`) ?? { onHand: 0, reserved: 0 };
    if (a.delta > 0) {
      const lotId = await insertLot(trx, { ...key, expiresOn: a.expiresOn ?? null, reference: 'adjustment', at });
      await appendMovements(trx, [{ ...key, movement: 'adjustment', onHandDelta: a.delta, reservedDelta: 0, lotId, reason: a.reason }], actor, at);
      return { result: undefined, touched: [] };
    }
    if (available(balance) < -a.delta) throw notEnoughFree(-a.delta, available(balance), ['delta']);
    const takes = takeFefo(await lotBalances(trx, key), -a.delta);
    await appendMovements(trx, takes.map((x) => ({ ...key, movement: 'adjustment' as const, onHandDelta: -x.quantity, reservedDelta: 0, lotId: x.lotId, reason: a.reason })), actor, at);
    return { result: undefined, touched: [key] };
  });
}

export interface WriteOffResult {
  written: { lotId: string; depotId: string; itemCode: string; quantity: number }[];
  /** Expired lots not written off because the stock is reserved: release or re-plan those rounds first. */
  refused: { lotId: string; depotId: string; itemCode: string; quantity: number; reserved: number }[];
}

/** Writes off every lot past its expiry date (one transaction per lot, so one refusal blocks nothing else). */
export async function writeOffExpired(deps: StockDeps, actor: string, depotId?: string): Promise<WriteOffResult> {
  const at = deps.clock.now();
  const today = at.toISOString().slice(0, 10);
  const out: WriteOffResult = { written: [], refused: [] };
  for (const lot of await lotsExpiredBefore(deps.db, today, depotId)) {
    const key = { depotId: lot.depotId, itemCode: lot.itemCode };
    type Outcome = { written: WriteOffResult['written'][number] } | { refused: WriteOffResult['refused'][number] } | null;
    const outcome = await moveStock<Outcome>(deps, async (trx) => {
      const balance = (await lockBalances(trx, [key])).get(`${key.depotId}|${key.itemCode}`) ?? { onHand: 0, reserved: 0 };
      const quantity = (await lotBalances(trx, key)).find((l) => l.lotId === lot.lotId)?.quantity ?? 0;
      if (quantity <= 0) return { result: null, touched: [] };
      if (balance.onHand - quantity < balance.reserved) return { result: { refused: { lotId: lot.lotId, ...key, quantity, reserved: balance.reserved } }, touched: [] };
      await appendMovements(trx, [{ ...key, movement: 'expiry', onHandDelta: -quantity, reservedDelta: 0, lotId: lot.lotId, reason: 'expired' }], actor, at);
      return { result: { written: { lotId: lot.lotId, ...key, quantity } }, touched: [key] };
    });
    // Reported only once committed.
    if (outcome && 'written' in outcome) out.written.push(outcome.written);
    if (outcome && 'refused' in outcome) out.refused.push(outcome.refused);
  }
  return out;
}

export async function setMinimum(deps: StockDeps, input: unknown): Promise<void> {
  const m = parseInput(minimumSchema, input);
  const db = deps.db;
  await assertDepots(db, [m.depotId]);
  await assertStockItems(db, [m.itemCode]);
  await upsertMinimum(db, m.depotId, m.itemCode, m.minimum, deps.clock.now());
  if (deps.publisher) await publishMinimumAlerts({ db: deps.db, publisher: deps.publisher }, [m]);
}
