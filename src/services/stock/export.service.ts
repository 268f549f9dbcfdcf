/**
 * CSV exports for the district's own books: the stock ledger, purchase orders and delivery records.
 * RFC 4180 quoting by csv-stringify; text cells that a spreadsheet would run as a formula are escaped.
 * Rows are written page by page through `write`, so a long ledger never sits in memory at once.
 */
import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../../domain/access';

import { listLedger, type LedgerFilter } from '../../store/stock-read.repository';
import { listOrders, orderLines, type OrderStatus } from '../../store/procurement.repository';
import { deliveryRecords } from '../../store/delivery-export.repository';

import type { AuditService } from '../access/audit.service';
import { procurementScope } from '../procurement/procurement.service';
import { NEED_KINDS, needKindSpec } from '../../domain/need-kinds';
import type { Db } from '../../store/db';

/** Kinds whose failure reasons may say something medical: left out of delivery records. */
const MEDICAL_KINDS = NEED_KINDS.filter((k) => needKindSpec(k).medicalFields.length > 0);

export type Write = (chunk: string) => void | Promise<void>;
const PAGE = 5000;
const csv = (rows: unknown[][]): string => stringify(rows, { escape_formulas: true, record_delimiter: '\r\n' });

export const LEDGER_COLUMNS = ['id', 'at', 'depot_id', 'item_code', 'lot_id', 'movement', 'on_hand_delta', 'reserved_delta', 'round_id', 'stop_id', 'transfer_id', 'reason', 'actor'];

export async function exportLedgerCsv(deps: { db: Db }, filter: Omit<LedgerFilter, 'limit' | 'afterId'>, write: Write): Promise<number> {
  await write(csv([LEDGER_COLUMNS]));
  let afterId: string | undefined;
  let count = 0;
  for (;;) {
    const rows = await listLedger(deps.db, { ...filter, afterId, limit: PAGE });
    if (rows.length === 0) return count;
    await write(csv(rows.map((r) => [r.id, r.at.toISOString(), r.depotId, r.itemCode, r.lotId, r.movement, r.onHandDelta, r.reservedDelta, r.roundId, r.stopId, r.transferId, r.reason, r.actor])));
    count += rows.length;
    afterId = rows[rows.length - 1]?.id;
  }
}

export const ORDER_COLUMNS = ['order_id', 'order_day', 'supplier', 'community_id', 'status', 'drug', 'strength', 'quantity', 'quantity_received', 'corridor_ids', 'need_ids', 'packed', 'unavailable'];

/** Purchase orders with their lines: drug names, so the export is an audited medical read (one entry per order). */
export async function exportOrdersCsv(deps: { db: Db; audit: AuditService }, actor: Actor, reqId: string | null, statuses: readonly OrderStatus[] | undefined, write: Write): Promise<number> {
  const db = deps.db;
  const orders = await listOrders(db, { communityIds: procurementScope(actor), statuses });
  await deps.audit.recordMany(orders.map((o) => ({ actor, action: 'procurement.order.export', subjectType: 'purchase_order', subjectId: o.id, outcome: 'allowed' as const, reqId })));
  await write(csv([ORDER_COLUMNS]));
  let count = 0;
  for (const o of orders) {
    const lines = await orderLines(db, o.id);
    await write(csv(lines.map((l) => [
      o.id, o.orderDay, o.supplierName, o.communityId, o.status, l.drug, l.strength, l.quantity, l.quantityReceived,
      l.corridorIds.join(' '), l.needs.map((n) => n.needId).join(' '),
      l.needs.filter((n) => n.state === 'packed').length, l.needs.filter((n) => n.state === 'unavailable').length,
    ])));
    count += lines.length;
  }
  return count;
}

export const DELIVERY_COLUMNS = ['at', 'need_id', 'household_id', 'corridor_id', 'community_id', 'kind', 'status', 'bag_id', 'failure_reason', 'actor'];

/**
 * Delivery records: every move of a need out for delivery, delivered or failed, in the period. No
 * details: a medicine row says 'medicine' and its opaque bag id, and its failure reason stays out.
 */
export async function exportDeliveriesCsv(deps: { db: Db }, actor: Actor, period: { from?: Date | undefined; to?: Date | undefined }, write: Write): Promise<number> {
  const communities = actor.role === 'community_staff' ? actor.communityIds : null;
  await write(csv([DELIVERY_COLUMNS]));
  if (communities && communities.length === 0) return 0;
  let afterId = '0';
  let count = 0;
  for (;;) {
    const rows = await deliveryRecords(deps.db, { afterId, limit: PAGE, from: period.from, to: period.to, communityIds: communities, medicalKinds: MEDICAL_KINDS });
    if (rows.length === 0) return count;
    await write(csv(rows.map((r) => [r.at.toISOString(), r.needId, r.householdId, r.corridorId, r.communityId, r.kind, r.toStatus, r.bagId, r.failureReason, r.actor])));
    count += rows.length;
    afterId = rows[rows.length - 1]?.id ?? afterId;
  }
}
