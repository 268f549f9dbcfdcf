/**
 * Suppliers, purchase orders (per supplier, community and order day), their lines (per drug and
 * strength) and the needs each line is for; medicine bags per household. Plain objects out.
 * Drug names live only in `purchase_order_lines`: bags and order lists carry ids and counts.
 */
import { sql } from 'kysely';
import type { OrderNeedState, OrderStatus } from './tables/stock';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';

export type { OrderStatus, OrderNeedState };

/** Serialises roll-ups until the transaction ends: two would lock the same orders and lines in different orders. */
export async function lockRollUp(trx: Db): Promise<void> {
  await lockForTransaction(trx, 'cordon.procurement.rollup');
}

export async function insertSupplier(trx: Db, s: { name: string; kind: 'pharmacy' | 'supplier'; isDefault: boolean; drugKeys: string[] }): Promise<string> {
  if (s.isDefault) await trx.updateTable('suppliers').set({ is_default: false }).where('is_default', '=', true).execute();
  const row = await trx.insertInto('suppliers').values({ name: s.name, kind: s.kind, is_default: s.isDefault }).returning('id').executeTakeFirstOrThrow();
  if (s.drugKeys.length) {
    await trx.insertInto('supplier_drugs').values([...new Set(s.drugKeys)].map((k) => ({ drug_key: k, supplier_id: row.id })))
      .onConflict((oc) => oc.column('drug_key').doUpdateSet((eb) => ({ supplier_id: eb.ref('excluded.supplier_id') }))).execute();
  }
  return row.id;
}

export async function listSuppliers(db: Db): Promise<{ id: string; name: string; kind: string; isDefault: boolean }[]> {
  const rows = await db.selectFrom('suppliers').select(['id', 'name', 'kind', 'is_default']).orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, isDefault: r.is_default }));
}

/** The supplier of each drug key: its listed source, else the default supplier, else none. */
export async function suppliersFor(db: Db, drugKeys: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (drugKeys.length === 0) return out;
  const listed = await db.selectFrom('supplier_drugs').selectAll().where('drug_key', 'in', [...new Set(drugKeys)]).execute();
  for (const r of listed) out.set(r.drug_key, r.supplier_id);
  const fallback = await db.selectFrom('suppliers').select('id').where('is_default', '=', true).executeTakeFirst();
  if (fallback) for (const k of drugKeys) if (!out.has(k)) out.set(k, fallback.id);
  return out;
}

export interface UnorderedNeed {
  id: string;
  household_id: string;
  corridor_id: string;
  community_id: string;
  drug: string;
  strength: string;
  quantity: number;
  created_at: Date;
}

/** Accepted medicine needs on no order yet, locked (others rolling up at once skip them). */
export async function lockUnorderedNeeds(trx: Db, communityIds: readonly string[] | 'all'): Promise<UnorderedNeed[]> {
  if (communityIds !== 'all' && communityIds.length === 0) return [];
  const res = await sql<UnorderedNeed>`
    select n.id, n.household_id, n.corridor_id, n.community_id, n.details->>'drug' as drug, n.details->>'strength' as strength,
      (n.details->>'quantity')::int as quantity, n.created_at
    from needs n
    where n.kind = 'medicine' and n.status = 'accepted'
      and not exists (select 1 from purchase_order_needs p where p.need_id = n.id)
      ${communityIds === 'all' ? sql`` : sql`and n.community_id in (${sql.join(communityIds)})`}
    order by n.created_at, n.id
    for update of n skip locked`.execute(trx);
  return res.rows;
}

/** The open order of (supplier, community) for `day` or, when that one is already sent or received, the next day's. */
export async function openOrderFor(trx: Db, supplierId: string, communityId: string, day: string, next: (d: string) => string): Promise<{ id: string; day: string }> {
  let d = day;
  for (let i = 0; i < 366; i++, d = next(d)) {
    await trx.insertInto('purchase_orders').values({ supplier_id: supplierId, community_id: communityId, order_day: d })
      .onConflict((oc) => oc.columns(['supplier_id', 'community_id', 'order_day']).doNothing()).execute();
    const row = await trx.selectFrom('purchase_orders').select(['id', 'status']).where('supplier_id', '=', supplierId)
      .where('community_id', '=', communityId).where('order_day', '=', d).forUpdate().executeTakeFirstOrThrow();
    if (row.status === 'open') return { id: row.id, day: d };
  }
  throw new Error('no open order day within a year');
}

export async function addToLine(trx: Db, orderId: string, line: { drugKey: string; drug: string; strength: string; quantity: number }): Promise<string> {
  const row = await trx.insertInto('purchase_order_lines')
    .values({ order_id: orderId, drug_key: line.drugKey, drug: line.drug, strength: line.strength, quantity: line.quantity })
    .onConflict((oc) => oc.columns(['order_id', 'drug_key']).doUpdateSet((eb) => ({ quantity: eb('purchase_order_lines.quantity', '+', eb.ref('excluded.quantity')) })))
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function linkNeed(trx: Db, n: { needId: string; lineId: string; householdId: string; corridorId: string; quantity: number }): Promise<void> {
  await trx.insertInto('purchase_order_needs').values({ need_id: n.needId, line_id: n.lineId, household_id: n.householdId, corridor_id: n.corridorId, quantity: n.quantity }).execute();
}

export interface OrderSummary {
  id: string;
  supplierId: string;
  supplierName: string;
  communityId: string;
  orderDay: string;
  status: OrderStatus;
  lineCount: number;
  needCount: number;
  pendingNeeds: number;
}

export async function listOrders(db: Db, f: { communityIds: readonly string[] | 'all'; statuses?: readonly OrderStatus[] | undefined; orderId?: string }): Promise<OrderSummary[]> {
  if (f.communityIds !== 'all' && f.communityIds.length === 0) return [];
  const res = await sql<{ id: string; supplier_id: string; supplier_name: string; community_id: string; order_day: string; status: OrderStatus; lines: string; needs: string; pending: string }>`
    select o.id, o.supplier_id, s.name as supplier_name, o.community_id, to_char(o.order_day, 'YYYY-MM-DD') as order_day, o.status,
      (select count(*) from purchase_order_lines l where l.order_id = o.id) as lines,
      (select count(*) from purchase_order_needs p join purchase_order_lines l on l.id = p.line_id where l.order_id = o.id) as needs,
      (select count(*) from purchase_order_needs p join purchase_order_lines l on l.id = p.line_id where l.order_id = o.id and p.state = 'ordered') as pending
    from purchase_orders o join suppliers s on s.id = o.supplier_id
    where true
      ${f.communityIds === 'all' ? sql`` : sql`and o.community_id in (${sql.join(f.communityIds)})`}
      ${f.statuses ? sql`and o.status in (${sql.join(f.statuses)})` : sql``}
      ${f.orderId ? sql`and o.id = ${f.orderId}` : sql``}
    order by o.order_day, s.name, o.community_id`.execute(db);
  return res.rows.map((r) => ({
    id: r.id, supplierId: r.supplier_id, supplierName: r.supplier_name, communityId: r.community_id, orderDay: r.order_day, status: r.status,
    lineCount: Number(r.lines), needCount: Number(r.needs), pendingNeeds: Number(r.pending),
  }));
}

export interface OrderLine {
  id: string;
  drug: string;
  strength: string;
  quantity: number;
  quantityReceived: number;
  corridorIds: string[];
  needs: { needId: string; householdId: string; corridorId: string; quantity: number; state: OrderNeedState; reason: string | null }[];
}

export async function orderLines(db: Db, orderId: string): Promise<OrderLine[]> {
  const lines = await db.selectFrom('purchase_order_lines').selectAll().where('order_id', '=', orderId).orderBy('drug_key').execute();
  const needs = lines.length === 0 ? [] : await db.selectFrom('purchase_order_needs').selectAll().where('line_id', 'in', lines.map((l) => l.id)).orderBy('corridor_id').orderBy('need_id').execute();
  return lines.map((l) => {
    const mine = needs.filter((n) => n.line_id === l.id);
    return {
      id: l.id, drug: l.drug, strength: l.strength, quantity: l.quantity, quantityReceived: l.quantity_received,
      corridorIds: [...new Set(mine.map((n) => n.corridor_id))],
      needs: mine.map((n) => ({ needId: n.need_id, householdId: n.household_id, corridorId: n.corridor_id, quantity: n.quantity, state: n.state, reason: n.reason })),
    };
  });
}

export async function lockOrder(trx: Db, orderId: string): Promise<{ id: string; status: OrderStatus; communityId: string } | undefined> {
  const row = await trx.selectFrom('purchase_orders').select(['id', 'status', 'community_id']).where('id', '=', orderId).forUpdate().executeTakeFirst();
  return row && { id: row.id, status: row.status, communityId: row.community_id };
}

export async function setOrderStatus(trx: Db, orderId: string, status: OrderStatus, at: Date): Promise<void> {
  await trx.updateTable('purchase_orders').set(status === 'sent' ? { status, sent_at: at } : { status }).where('id', '=', orderId).execute();
}

export async function orderCommunity(db: Db, orderId: string): Promise<string | undefined> {
  return (await db.selectFrom('purchase_orders').select('community_id').where('id', '=', orderId).executeTakeFirst())?.community_id;
}
