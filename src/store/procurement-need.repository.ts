/**
 * A need's link to the purchase order line it is on (purchase_order_needs), read and undone when
 * the need is cancelled before its medicine comes in. Runs inside the caller's transaction.
 */
import type { OrderNeedState } from './tables/stock';
import type { Db } from './db';

/** The purchase order the need is on, if any (no lock: lock the order, then read the link again). */
export async function orderIdOfNeed(db: Db, needId: string): Promise<string | undefined> {
  const link = await db.selectFrom('purchase_order_needs as p').innerJoin('purchase_order_lines as l', 'l.id', 'p.line_id')
    .select(['l.order_id']).where('p.need_id', '=', needId).executeTakeFirst();
  return link?.order_id;
}

/** The need's link row (line, quantity, state), locked for update. */
export async function lockOrderNeed(trx: Db, needId: string): Promise<{ lineId: string; quantity: number; state: OrderNeedState } | undefined> {
  const row = await trx.selectFrom('purchase_order_needs').select(['line_id', 'quantity', 'state']).where('need_id', '=', needId).forUpdate().executeTakeFirst();
  return row && { lineId: row.line_id, quantity: row.quantity, state: row.state };
}

/** Takes the need off its order while it is still `ordered` (not packed, not unavailable). */
export async function unlinkOrderedNeed(trx: Db, needId: string): Promise<void> {
  await trx.deleteFrom('purchase_order_needs').where('need_id', '=', needId).where('state', '=', 'ordered').execute();
}

/** Lowers a line by `quantity` when more than that is on it; returns whether it did. */
export async function reduceLine(trx: Db, lineId: string, quantity: number): Promise<boolean> {
  const line = await trx.updateTable('purchase_order_lines').set((eb) => ({ quantity: eb('quantity', '-', quantity) }))
    .where('id', '=', lineId).where('quantity', '>', quantity).returning('id').executeTakeFirst();
  return line !== undefined;
}

/** Deletes a line holding no more than `quantity`. */
export async function deleteLineUpTo(trx: Db, lineId: string, quantity: number): Promise<void> {
  await trx.deleteFrom('purchase_order_lines').where('id', '=', lineId).where('quantity', '<=', quantity).execute();
}
