/**
 * Writes of a purchase order's receipt: received quantities, needs packed into household bags or
 * reported unavailable (their need failed with the reason, history appended), and the bag lookup
 * drivers and rounds use. Runs inside the caller's transaction.
 */
import { sql } from 'kysely';
import type { OrderNeedState } from './tables/stock';
import type { Db } from './db';

export interface PendingNeed {
  needId: string;
  lineId: string;
  householdId: string;
  corridorId: string;
  quantity: number;
  urgencyRank: number;
  createdAt: number;
}

export async function pendingNeedsOfOrder(trx: Db, orderId: string): Promise<PendingNeed[]> {
  const res = await sql<{ need_id: string; line_id: string; household_id: string; corridor_id: string; quantity: number; urgency: string; created_at: Date }>`
    select p.need_id, p.line_id, p.household_id, p.corridor_id, p.quantity, n.urgency, n.created_at
    from purchase_order_needs p join purchase_order_lines l on l.id = p.line_id join needs n on n.id = p.need_id
    where l.order_id = ${orderId} and p.state = 'ordered'
    order by p.need_id for update of p`.execute(trx);
  const rank: Record<string, number> = { emergency: 0, today: 1, routine: 2 };
  return res.rows.map((r) => ({
    needId: r.need_id, lineId: r.line_id, householdId: r.household_id, corridorId: r.corridor_id, quantity: r.quantity,
    urgencyRank: rank[r.urgency] ?? 3, createdAt: new Date(r.created_at).getTime(),
  }));
}

/** Adds to a line's received units; returns the units received but not yet packed for any need. */
export async function receiveUnits(trx: Db, lineId: string, units: number): Promise<number> {
  const line = await trx.updateTable('purchase_order_lines').set((eb) => ({ quantity_received: eb('quantity_received', '+', units) }))
    .where('id', '=', lineId).returning('quantity_received').executeTakeFirstOrThrow();
  const packed = await trx.selectFrom('purchase_order_needs').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), eb.lit(0)).as('q'))
    .where('line_id', '=', lineId).where('state', '=', 'packed').executeTakeFirstOrThrow();
  return line.quantity_received - Number(packed.q);
}

export async function lineIdsOfOrder(trx: Db, orderId: string): Promise<Set<string>> {
  return new Set((await trx.selectFrom('purchase_order_lines').select('id').where('order_id', '=', orderId).execute()).map((r) => r.id));
}

export async function setNeedState(trx: Db, needIds: readonly string[], state: OrderNeedState, reason: string | null): Promise<void> {
  if (needIds.length === 0) return;
  await trx.updateTable('purchase_order_needs').set({ state, reason }).where('need_id', 'in', needIds).execute();
}

export async function insertBag(trx: Db, bag: { id: string; householdId: string; corridorId: string; orderId: string; actor: string; at: Date }, needIds: readonly string[]): Promise<void> {
  await trx.insertInto('medicine_bags').values({ id: bag.id, household_id: bag.householdId, corridor_id: bag.corridorId, order_id: bag.orderId, packed_by: bag.actor, packed_at: bag.at }).execute();
  await trx.insertInto('medicine_bag_needs').values(needIds.map((needId) => ({ need_id: needId, bag_id: bag.id }))).execute();
}

/** accepted > failed with the reason the household sees; needs no longer accepted are left alone. Returns those moved. */
export async function failAcceptedNeeds(trx: Db, needIds: readonly string[], reason: string, actor: string, at: Date): Promise<string[]> {
  if (needIds.length === 0) return [];
  const moved = await trx.updateTable('needs').set({ status: 'failed', failure_reason: reason, updated_at: at })
    .where('id', 'in', needIds).where('status', '=', 'accepted').returning('id').execute();
  if (moved.length) {
    await trx.insertInto('need_status_history')
      .values(moved.map((m) => ({ need_id: m.id, from_status: 'accepted', to_status: 'failed', note: reason, actor, at }))).execute();
  }
  return moved.map((m) => m.id);
}

export async function orderStillPending(trx: Db, orderId: string): Promise<boolean> {
  const row = await sql<{ n: string }>`
    select count(*) as n from purchase_order_needs p join purchase_order_lines l on l.id = p.line_id
    where l.order_id = ${orderId} and p.state = 'ordered'`.execute(trx);
  return Number(row.rows[0]?.n ?? 0) > 0;
}

export interface MedicineBag {
  bagId: string;
  householdId: string;
  corridorId: string;
  needIds: string[];
  /** Needs of the bag cancelled after packing: their medicine is to come out of the bag (medicine_bag_returns). */
  returnedNeedIds?: string[];
}

/** The bag each of these needs was packed in (needs not packed yet are absent): what rounds and drivers use. */
export async function bagsOfNeeds(db: Db, needIds: readonly string[]): Promise<Map<string, string>> {
  if (needIds.length === 0) return new Map();
  const rows = await db.selectFrom('medicine_bag_needs').selectAll().where('need_id', 'in', needIds).execute();
  return new Map(rows.map((r) => [r.need_id, r.bag_id]));
}

export async function bagsOfOrder(db: Db, orderId: string): Promise<MedicineBag[]> {
  const res = await sql<{ id: string; household_id: string; corridor_id: string; need_ids: string[]; returned: string[] }>`
    select b.id, b.household_id, b.corridor_id, array_agg(bn.need_id::text order by bn.need_id) as need_ids,
      coalesce(array_agg(r.need_id::text order by r.need_id) filter (where r.need_id is not null), '{}') as returned
    from medicine_bags b join medicine_bag_needs bn on bn.bag_id = b.id left join medicine_bag_returns r on r.need_id = bn.need_id
    where b.order_id = ${orderId} group by b.id order by b.corridor_id, b.id`.execute(db);
  return res.rows.map((r) => ({ bagId: r.id, householdId: r.household_id, corridorId: r.corridor_id, needIds: r.need_ids, returnedNeedIds: r.returned }));
}

/** Records the packed need's share of its bag as returned (need cancelled); a second call adds nothing. */
export async function recordBagReturn(trx: Db, needId: string, actor: string, at: Date): Promise<void> {
  await sql`insert into medicine_bag_returns (need_id, bag_id, reason, actor, at)
    select need_id, bag_id, 'need cancelled', ${actor}, ${at} from medicine_bag_needs where need_id = ${needId}
    on conflict (need_id) do nothing`.execute(trx);
}
