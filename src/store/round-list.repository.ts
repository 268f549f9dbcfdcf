/**
 * The list of rounds with what the desk shows per row (issue #17, item 2): area name, stops closed
 * out of planned, needs served and left unserved. One statement; the counts are per-round lateral
 * subqueries over the (round_id, ...) keys and indexes, so a page of 50 reads 50 rounds' rows only.
 */
import { sql, type RawBuilder } from 'kysely';
import type { RoundKind, RoundStatus } from '../domain/round';
import type { Db } from './db';

export interface RoundListFilter {
  /** The area's subtree: rounds of an area in it, or that claimed needs in it. */
  areaId?: string | undefined;
  kinds: readonly RoundKind[];
  statuses: readonly RoundStatus[];
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only rounds touching these communities (their area is one or below one, or they claimed needs there); undefined: all. */
  communityIds?: readonly string[] | undefined;
  limit: number;
  offset: number;
}

export interface RoundListDbRow {
  id: string; kind: RoundKind; status: RoundStatus; areaId: string; areaName: string; createdBy: string;
  createdAt: Date; updatedAt: Date; progress: number; failureReason: string | null;
  stops: { total: number; delivered: number; failed: number };
  needs: { served: number; unserved: number };
}

const TRUE = sql<boolean>`true`;

/** Rounds that claimed a need whose community or corridor is in `areas` (a subquery of area ids). */
const claimedIn = (areas: RawBuilder<unknown>) => sql<boolean>`exists (select 1 from round_needs rn join needs n on n.id = rn.need_id
  where rn.round_id = r.id and (n.community_id in (${areas}) or n.corridor_id in (${areas})))`;

export async function listRounds(db: Db, f: RoundListFilter): Promise<RoundListDbRow[]> {
  if (f.communityIds?.length === 0) return [];
  const subtree = sql`select id from sub`;
  const area = f.areaId ? sql<boolean>`(r.area_id in (${subtree}) or ${claimedIn(subtree)})` : TRUE;
  const communities = f.communityIds ? sql.join(f.communityIds) : null;
  const scope = communities
    ? sql<boolean>`(r.area_id in (${communities}) or a.community_id in (${communities}) or ${claimedIn(sql`${communities}`)})`
    : TRUE;
  const rows = await sql<{
    id: string; kind: RoundKind; status: RoundStatus; area_id: string; area_name: string; created_by: string; created_at: Date; updated_at: Date;
    progress: number; failure_reason: string | null; stops: string; delivered: string; failed: string; served: string; unserved: string;
  }>`
    with recursive sub as (
      select id from areas where id = ${f.areaId ?? null}::uuid
      union all select c.id from areas c join sub on c.parent_id = sub.id
    )
    select r.id, r.kind, r.status, r.area_id, a.name as area_name, r.created_by, r.created_at, r.updated_at, r.progress, r.failure_reason,
      st.total as stops, st.delivered, st.failed,
      (select count(distinct b.need_id) from round_bags b where b.round_id = r.id) as served,
      (select count(*) from round_unserved u where u.round_id = r.id) as unserved
    from rounds r
    join areas a on a.id = r.area_id
    cross join lateral (
      select count(*) as total, count(*) filter (where s.status = 'delivered') as delivered, count(*) filter (where s.status = 'failed') as failed
      from round_stops s where s.round_id = r.id
    ) st
    where ${area} and ${scope}
      and (${f.kinds.length === 0} or r.kind in (${f.kinds.length ? sql.join(f.kinds) : sql`null`}))
      and (${f.statuses.length === 0} or r.status in (${f.statuses.length ? sql.join(f.statuses) : sql`null`}))
      and (${f.from ?? null}::timestamptz is null or r.created_at >= ${f.from ?? null}::timestamptz)
      and (${f.to ?? null}::timestamptz is null or r.created_at < ${f.to ?? null}::timestamptz)
    order by r.created_at desc, r.id desc
    limit ${f.limit} offset ${f.offset}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, areaId: r.area_id, areaName: r.area_name, createdBy: r.created_by,
    createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at), progress: Number(r.progress), failureReason: r.failure_reason,
    stops: { total: Number(r.stops), delivered: Number(r.delivered), failed: Number(r.failed) },
    needs: { served: Number(r.served), unserved: Number(r.unserved) },
  }));
}
