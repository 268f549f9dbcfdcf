/**
 * The stock ledger and its balance summary. Every write goes through `appendMovements`, which adds
 * the ledger rows and moves the balance by their sum in the caller's transaction; callers lock the
 * balance rows first with `lockBalances` (one fixed order: depot, item), so concurrent movements on
 * the same stock queue up instead of deadlocking or losing an update.
 */
import { sql } from 'kysely';
import type { Balance, Movement } from '../domain/stock';
import type { Db } from './db';


/**
 * Runs `body` in a new transaction, or in the caller's when `db` already is one (a round storing
 * its plan and reserving its stock together): then the caller commits, or rolls back, everything.
 */
export function inStockTransaction<T>(db: Db, body: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

export interface StockKey {
  depotId: string;
  itemCode: string;
}
export const keyOf = (k: StockKey): string => `${k.depotId}|${k.itemCode}`;

/**
 * Creates missing balance rows and locks every named one, in (depot, item) order, for the rest of
 * the transaction. Returns the balances as they stand under the lock.
 */
export async function lockBalances(trx: Db, keys: readonly StockKey[]): Promise<Map<string, Balance>> {
  const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()]
    .sort((a, b) => (a.depotId < b.depotId ? -1 : a.depotId > b.depotId ? 1 : a.itemCode < b.itemCode ? -1 : a.itemCode > b.itemCode ? 1 : 0));
  const out = new Map<string, Balance>();
  if (unique.length === 0) return out;
  await trx.insertInto('stock_balances').values(unique.map((k) => ({ depot_id: k.depotId, item_code: k.itemCode })))
    .onConflict((oc) => oc.columns(['depot_id', 'item_code']).doNothing()).execute();
  const rows = await sql<{ depot_id: string; item_code: string; on_hand: number; reserved: number }>`
    select depot_id, item_code, on_hand, reserved from stock_balances
    where (depot_id, item_code) in (${sql.join(unique.map((k) => sql`(${k.depotId}::uuid, ${k.itemCode})`))})
    order by depot_id, item_code for update`.execute(trx);
  for (const r of rows.rows) out.set(keyOf({ depotId: r.depot_id, itemCode: r.item_code }), { onHand: r.on_hand, reserved: r.reserved });
  return out;
}

export interface NewMovement extends StockKey {
  movement: Movement;
  onHandDelta: number;
  reservedDelta: number;
  lotId?: string | null;
  roundId?: string | null;
  stopId?: string | null;
  transferId?: string | null;
  reason?: string | null;
}

/** Appends ledger rows and moves each touched balance by their sum (balances must be locked). */
export async function appendMovements(trx: Db, movements: readonly NewMovement[], actor: string, at: Date): Promise<void> {
  const rows = movements.filter((m) => m.onHandDelta !== 0 || m.reservedDelta !== 0);
  if (rows.length === 0) return;
  // Chunks keep each statement under Postgres' 65,535 parameters (a 10,000-stop round reserves a line per stop and item).
  for (let i = 0; i < rows.length; i += 2000) {
    await trx.insertInto('stock_ledger').values(rows.slice(i, i + 2000).map((m) => ({
      depot_id: m.depotId, item_code: m.itemCode, lot_id: m.lotId ?? null, movement: m.movement,
      on_hand_delta: m.onHandDelta, reserved_delta: m.reservedDelta, round_id: m.roundId ?? null, stop_id: m.stopId ?? null,
      transfer_id: m.transferId ?? null, reason: m.reason ?? null, actor, at,
    }))).execute();
  }
  const sums = new Map<string, { key: StockKey; onHand: number; reserved: number }>();
  for (const m of rows) {
    const s = sums.get(keyOf(m)) ?? { key: m, onHand: 0, reserved: 0 };
    s.onHand += m.onHandDelta;
    s.reserved += m.reservedDelta;
    sums.set(keyOf(m), s);
  }
  for (const s of sums.values()) {
    await trx.updateTable('stock_balances')
      .set((eb) => ({ on_hand: eb('on_hand', '+', s.onHand), reserved: eb('reserved', '+', s.reserved), updated_at: at }))
      .where('depot_id', '=', s.key.depotId).where('item_code', '=', s.key.itemCode).execute();
  }
}

export interface LotBalance {
  lotId: string;
  expiresOn: string | null;
  quantity: number;
}

/** Lots still holding stock, first to expire first (no date last, then oldest receipt). */
export async function lotBalances(db: Db, key: StockKey): Promise<LotBalance[]> {
  const res = await sql<{ lot_id: string; expires_on: string | null; quantity: string }>`
    select l.id as lot_id, to_char(l.expires_on, 'YYYY-MM-DD') as expires_on, sum(g.on_hand_delta) as quantity
    from stock_ledger g join stock_lots l on l.id = g.lot_id
    where g.depot_id = ${key.depotId} and g.item_code = ${key.itemCode}
    group by l.id, l.expires_on, l.received_at
    having sum(g.on_hand_delta) > 0
    order by l.expires_on nulls last, l.received_at, l.id`.execute(db);
  return res.rows.map((r) => ({ lotId: r.lot_id, expiresOn: r.expires_on, quantity: Number(r.quantity) }));
}

export async function insertLot(trx: Db, lot: StockKey & { expiresOn: string | null; reference: string | null; sourceLotId?: string | null; at: Date }): Promise<string> {
  const row = await trx.insertInto('stock_lots').values({
    depot_id: lot.depotId, item_code: lot.itemCode, expires_on: lot.expiresOn, reference: lot.reference, source_lot_id: lot.sourceLotId ?? null, received_at: lot.at,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function getLot(db: Db, lotId: string): Promise<{ id: string; depotId: string; itemCode: string; expiresOn: string | null } | undefined> {
  const r = await sql<{ id: string; depot_id: string; item_code: string; expires_on: string | null }>`
    select id, depot_id, item_code, to_char(expires_on, 'YYYY-MM-DD') as expires_on from stock_lots where id = ${lotId}`.execute(db);
  const row = r.rows[0];
  return row && { id: row.id, depotId: row.depot_id, itemCode: row.item_code, expiresOn: row.expires_on };
}

/** Which of these depots exist (ids found, any order). */
export async function existingDepotIds(db: Db, depotIds: readonly string[]): Promise<string[]> {
  const rows = await db.selectFrom('depots').select('id').where('id', 'in', depotIds).execute();
  return rows.map((r) => r.id);
}

/** Lots that expired before `today` (YYYY-MM-DD), of one depot or all, by id; held stock or not. */
export async function lotsExpiredBefore(db: Db, today: string, depotId?: string): Promise<(StockKey & { lotId: string })[]> {
  const rows = await db.selectFrom('stock_lots').select(['id', 'depot_id', 'item_code'])
    .where('expires_on', '<', today).$if(depotId !== undefined, (q) => q.where('depot_id', '=', depotId as string)).orderBy('id').execute();
  return rows.map((r) => ({ lotId: r.id, depotId: r.depot_id, itemCode: r.item_code }));
}
