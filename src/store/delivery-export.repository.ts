/**
 * Delivery records for the CSV export: each move of a need out for delivery, delivered or failed,
 * read page by page in history order. No need details are read; failure reasons of the kinds the
 * caller names as medical are left out in the query itself.
 */
import { sql } from 'kysely';
import type { NeedKind } from '../domain/kinds';
import type { Db } from './db';

export interface DeliveryRecord {
  /** The history row's id (int8, as text): the page cursor. */
  id: string;
  at: Date;
  needId: string;
  /** Null for a corridor's own need (a waste pickup): a blank cell in the export. */
  householdId: string | null;
  corridorId: string;
  communityId: string;
  kind: string;
  toStatus: string;
  bagId: string | null;
  failureReason: string | null;
  actor: string;
}

export interface DeliveryPage {
  /** History id to read after ('0': from the start). */
  afterId: string;
  limit: number;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only needs of these communities; null: every community. */
  communityIds: readonly string[] | null;
  /** Kinds whose failure reason is never read. */
  medicalKinds: readonly NeedKind[];
}

/** One page of delivery records after `afterId`, by history id. */
export async function deliveryRecords(db: Db, p: DeliveryPage): Promise<DeliveryRecord[]> {
  const res = await sql<{ id: string; at: Date; need_id: string; household_id: string | null; corridor_id: string; community_id: string; kind: string; to_status: string; bag_id: string | null; failure_reason: string | null; actor: string }>`
      select h.id, h.at, n.id as need_id, n.household_id, n.corridor_id, n.community_id, n.kind, h.to_status,
        (select bag_id from medicine_bag_needs b where b.need_id = n.id) as bag_id,
        case when n.kind in (${sql.join(p.medicalKinds)}) then null else n.failure_reason end as failure_reason, h.actor
      from need_status_history h join needs n on n.id = h.need_id
      where h.to_status in ('out_for_delivery','delivered','failed') and h.id > ${p.afterId}
        ${p.from ? sql`and h.at >= ${p.from}` : sql``}
        ${p.to ? sql`and h.at < ${p.to}` : sql``}
        ${p.communityIds ? sql`and n.community_id in (${sql.join(p.communityIds)})` : sql``}
      order by h.id limit ${p.limit}`.execute(db);
  return res.rows.map((r) => ({
    id: String(r.id), at: new Date(r.at), needId: r.need_id, householdId: r.household_id, corridorId: r.corridor_id, communityId: r.community_id,
    kind: r.kind, toStatus: r.to_status, bagId: r.bag_id, failureReason: r.failure_reason, actor: r.actor,
  }));
}
