/**
 * Medicine procurement: suppliers, the roll-up of medicine needs into purchase orders (per supplier,
 * community and order day, with a daily cut-off), sending, and reading orders. Drug names are medical:
 * they are never logged, and every read of an order's lines is recorded in the audit log.
 */
import type { Actor } from '../../domain/access';
import { cutoffInstant, drugKeyOf, nextDay, orderDayOf, orderNotOpen, supplierSchema, type Cutoff } from '../../domain/procurement';
import { parseInput } from '../../domain/stock';
import type { Clock } from '../../shared/clock';
import { notFound } from '../../shared/errors';

import { addToLine, insertSupplier, linkNeed, listOrders, listSuppliers, lockOrder, lockRollUp, lockUnorderedNeeds, openOrderFor, orderLines, setOrderStatus, suppliersFor, type OrderLine, type OrderStatus, type OrderSummary } from '../../store/procurement.repository';
import { bagsOfNeeds, bagsOfOrder, type MedicineBag } from '../../store/procurement-receipt.repository';

import type { AuditService } from '../access/audit.service';
import type { Access } from '../access/authorization.service';
import type { Db } from '../../store/db';

export interface ProcurementDeps {
  db: Db;
  clock: Clock;
  /** The daily cut-off (config PROCUREMENT_CUTOFF). */
  cutoff: Cutoff;
  audit: AuditService;
}

/** The communities whose orders an actor works on: all for admins, their own for community staff. */
export function procurementScope(actor: Actor): readonly string[] | 'all' {
  return actor.role === 'admin' ? 'all' : actor.role === 'community_staff' ? actor.communityIds : [];
}

export async function createSupplier(deps: ProcurementDeps, input: unknown, actor: Actor, reqId: string | null): Promise<{ id: string }> {
  const s = parseInput(supplierSchema, input);
  const id = await deps.db.transaction().execute(async (trx) => {
    const created = await insertSupplier(trx, { name: s.name, kind: s.kind, isDefault: s.isDefault, drugKeys: s.drugs.map((d) => drugKeyOf(d.drug, d.strength)) });
    await deps.audit.record({ actor, action: 'procurement.supplier.create', subjectType: 'supplier', subjectId: created, outcome: 'allowed', reqId }, trx);
    return created;
  });
  return { id };
}

export const suppliers = (deps: Pick<ProcurementDeps, 'db'>) => listSuppliers(deps.db);

export interface RollUpResult {
  /** Needs put on an order by this call. */
  ordered: number;
  /** Orders that received needs. */
  orders: string[];
  /** Needs left waiting: no supplier sells the drug and there is no default supplier. */
  unassigned: number;
}

/**
 * Puts every accepted medicine need of the actor's communities that is on no order yet onto the open
 * order of its supplier, community and order day (the day the cut-off gives its arrival time).
 */
export async function rollUp(deps: ProcurementDeps, actor: Actor, reqId: string | null): Promise<RollUpResult> {
  return deps.db.transaction().execute(async (trx) => {
    // One roll-up at a time: two of them would lock the same orders and lines in different orders.
    await lockRollUp(trx);
    const needs = await lockUnorderedNeeds(trx, procurementScope(actor));
    const sources = await suppliersFor(trx, needs.map((n) => drugKeyOf(n.drug, n.strength)));
    const orders = new Set<string>();
    let unassigned = 0;
    for (const n of needs) {
      const key = drugKeyOf(n.drug, n.strength);
      const supplierId = sources.get(key);
      if (!supplierId) {
        unassigned++;
        continue;
      }
      const order = await openOrderFor(trx, supplierId, n.community_id, orderDayOf(new Date(n.created_at), deps.cutoff), nextDay);
      const lineId = await addToLine(trx, order.id, { drugKey: key, drug: n.drug.trim(), strength: n.strength.trim(), quantity: n.quantity });
      await linkNeed(trx, { needId: n.id, lineId, householdId: n.household_id, corridorId: n.corridor_id, quantity: n.quantity });
      orders.add(order.id);
    }
    // The roll-up read drug names on the actor's behalf: recorded per order, ids only.
    await deps.audit.recordMany([...orders].map((id) => ({ actor, action: 'procurement.order.rollup', subjectType: 'purchase_order', subjectId: id, outcome: 'allowed' as const, reqId })), trx);
    return { ordered: needs.length - unassigned, orders: [...orders].sort(), unassigned };
  });
}

/** Orders without their lines (no drug names): ids, supplier, community, day, status and counts. */
export async function listPurchaseOrders(deps: Pick<ProcurementDeps, 'db' | 'cutoff'>, actor: Actor, statuses?: readonly OrderStatus[]): Promise<(OrderSummary & { closesAt: string })[]> {
  const orders = await listOrders(deps.db, { communityIds: procurementScope(actor), statuses });
  // When the day's cut-off passes, later needs go to the next day's order.
  return orders.map((o) => ({ ...o, closesAt: cutoffInstant(o.orderDay, deps.cutoff).toISOString() }));
}

/** One order with its lines (drug, strength, quantity, the corridors and needs they are for): an audited medical read. */
export async function readPurchaseOrder(deps: Pick<ProcurementDeps, 'db'>, access: Access, orderId: string): Promise<OrderSummary & { lines: OrderLine[]; bags: MedicineBag[] }> {
  const db = deps.db;
  const [order] = await listOrders(db, { communityIds: 'all', orderId });
  if (!order) throw notFound('purchase order');
  await access.community(order.communityId, 'procurement.order.read');
  await access.allowed('procurement.order.medical.read', 'purchase_order', orderId);
  return { ...order, lines: await orderLines(db, orderId), bags: await bagsOfOrder(db, orderId) };
}

/** open > sent: the order went to the supplier; later needs go to the next day's order. */
export async function sendOrder(deps: Pick<ProcurementDeps, 'db' | 'clock'>, access: Access, orderId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw notFound('purchase order');
    await access.community(order.communityId, 'procurement.order.send');
    if (order.status !== 'open') throw orderNotOpen(order.status);
    await setOrderStatus(trx, orderId, 'sent', deps.clock.now());
    await access.allowed('procurement.order.send', 'purchase_order', orderId, trx);
  });
}

/**
 * Medicine needs are deliverable once packed: the bag id of each packed need (absent: still waiting
 * for the purchase). For the rounds service, to claim only packed medicine and put this id on the manifest.
 */
export async function medicineBagsOf(deps: Pick<ProcurementDeps, 'db'>, needIds: readonly string[]): Promise<Map<string, string>> {
  return bagsOfNeeds(deps.db, needIds);
}
