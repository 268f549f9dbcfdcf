/**
 * The needs of one community, filtered as the overview's need figures count them (issue #17,
 * item 3), with what the desk shows per row: the corridor's name, the household's address, the
 * reason its latest round left it unserved. Never `details`. One statement: open statuses ride
 * needs_open_community_idx, a cycle needs_food_cycle_idx; the latest round of each candidate need
 * is one lookup in round_needs_need_idx.
 */
import { sql, type RawBuilder } from 'kysely';
import type { NeedKind, Urgency } from '../domain/kinds';
import { NO_FAILURE_REASON, type NeedStatus } from '../domain/need-status';
import type { Db } from './db';

export interface NeedListFilter {
  communityId: string;
  kinds: readonly NeedKind[];
  statuses: readonly NeedStatus[];
  cycle?: string | undefined;
  unservedReason?: string | undefined;
  failureReason?: string | undefined;
  /** Changed at or after (with `unservedReason`: its latest round started at or after). */
  since?: Date | undefined;
  /** Kinds whose failure reason is never read (their reasons may carry medical words). */
  medicalKinds: readonly NeedKind[];
  limit: number;
  offset: number;
}

export interface NeedListDbRow {
  id: string; kind: NeedKind; status: NeedStatus; urgency: Urgency; corridorId: string; corridorName: string; address: string | null;
  createdAt: Date; updatedAt: Date; failureReason: string | null; unservedReason: string | null;
}

const TRUE = sql<boolean>`true`;
const inList = (values: readonly string[]): RawBuilder<unknown> => sql.join(values);

export async function listCommunityNeeds(db: Db, f: NeedListFilter): Promise<NeedListDbRow[]> {
  const since = f.since ?? null;
  // Written out only when asked for, so the planner sees plain predicates it can match to the partial indexes.
  const where = [
    f.kinds.length ? sql<boolean>`n.kind in (${inList(f.kinds)})` : TRUE,
    f.statuses.length ? sql<boolean>`n.status in (${inList(f.statuses)})` : TRUE,
    f.cycle !== undefined ? sql<boolean>`n.cycle = ${f.cycle}` : TRUE,
    f.failureReason !== undefined ? sql<boolean>`n.status = 'failed' and coalesce(n.failure_reason, ${NO_FAILURE_REASON}) = ${f.failureReason}` : TRUE,
    f.unservedReason !== undefined
      ? sql<boolean>`lr.reason = ${f.unservedReason} and (${since}::timestamptz is null or lr.created_at >= ${since}::timestamptz)`
      : since ? sql<boolean>`n.updated_at >= ${since}` : TRUE,
  ];
  const medical = f.medicalKinds.length ? sql<boolean>`n.kind in (${inList(f.medicalKinds)})` : sql<boolean>`false`;
  const res = await sql<{
    id: string; kind: NeedKind; status: NeedStatus; urgency: Urgency; corridor_id: string; corridor_name: string; address: string | null;
    created_at: Date; updated_at: Date; failure_reason: string | null; unserved_reason: string | null;
  }>`
    select n.id, n.kind, n.status, n.urgency, n.corridor_id, c.name as corridor_name, h.address, n.created_at, n.updated_at,
      case when n.status = 'failed' and not ${medical} then n.failure_reason end as failure_reason, lr.reason as unserved_reason
    from needs n
    join areas c on c.id = n.corridor_id
    left join households h on h.id = n.household_id
    left join lateral (
      -- The latest round that took the need, and its reason when it left the need unserved.
      select u.reason, r.created_at from round_needs rn join rounds r on r.id = rn.round_id
      left join round_unserved u on u.round_id = rn.round_id and u.need_id = rn.need_id
      where rn.need_id = n.id order by r.created_at desc, r.id desc limit 1
    ) lr on true
    where n.community_id = ${f.communityId} and ${sql.join(where, sql` and `)}
    order by n.created_at desc, n.id desc
    limit ${f.limit} offset ${f.offset}`.execute(db);
  return res.rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, urgency: r.urgency, corridorId: r.corridor_id, corridorName: r.corridor_name, address: r.address,
    createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at), failureReason: r.failure_reason, unservedReason: r.unserved_reason,
  }));
}
