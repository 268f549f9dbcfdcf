/** Need status changes waiting to be published live (noted by a trigger on need_status_history). */
import { sql } from 'kysely';
import type { NeedStatus } from '../domain/need-status';

type Executor = Parameters<ReturnType<typeof sql>['execute']>[0];

export interface PendingNeedChange {
  historyId: string;
  needId: string;
  /** Null for a corridor's own need (a waste pickup). */
  householdId: string | null;
  corridorId: string;
  kind: string;
  from: NeedStatus;
  to: NeedStatus;
  /** The need's stored failure reason (free text or a code): the event keeps only closed-list codes. */
  failureReason: string | null;
}

/**
 * Takes (deletes) up to `limit` pending changes, oldest first, skipping rows another process holds:
 * call it in a transaction that also stores the events, so a crash publishes them later, not never.
 */
export async function takePendingNeedChanges(trx: Executor, limit: number): Promise<PendingNeedChange[]> {
  const res = await sql<{ history_id: string; need_id: string; household_id: string | null; corridor_id: string; kind: string; from_status: NeedStatus; to_status: NeedStatus; failure_reason: string | null }>`
    with taken as (
      -- = any(array(...)), not in (...): with stale statistics (after a bulk insert) the planner
      -- chose a nested-loop semi join that re-ran the LIMIT subquery per row and took every
      -- waiting row at once (18,000 in 43 s, measured); the array takes exactly the limit.
      delete from need_status_live where history_id = any (array(
        select history_id from need_status_live order by history_id limit ${limit} for update skip locked))
      returning history_id
    )
    select h.id::text as history_id, h.need_id::text as need_id, n.household_id::text as household_id, n.corridor_id::text as corridor_id,
      n.kind, h.from_status, h.to_status, n.failure_reason
    from need_status_history h join needs n on n.id = h.need_id
    -- = any(array(...)), not a join on the CTE: the planner can't size a CTE and, with the history
    -- growing faster than its statistics, hashed the whole table (21 ms for 64 rows, measured).
    where h.id = any (array(select history_id from taken))
    order by h.id`.execute(trx);
  return res.rows.map((r) => ({
    historyId: r.history_id, needId: r.need_id, householdId: r.household_id, corridorId: r.corridor_id, kind: r.kind,
    from: r.from_status, to: r.to_status, failureReason: r.failure_reason,
  }));
}
