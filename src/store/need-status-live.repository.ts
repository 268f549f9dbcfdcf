/**
 * Need status changes waiting to be published live (noted by a trigger on need_status_history), in
 * two lanes (migration 0035): `bulk` for the changes of a transaction marked with `markBulkLane` (a
 * cycle's entitlements, a round's plan, dispatch or failure, a big CSV import), `interactive` for the
 * rest, so the relay can serve one person's change before a district's worth of bulk ones.
 */
import { sql } from 'kysely';
import type { NeedStatus } from '../domain/need-status';
import type { Db } from './db';

type Executor = Parameters<ReturnType<typeof sql>['execute']>[0];

export type NeedStatusLane = 'interactive' | 'bulk';

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
  /** Who created the need (`needs.created_by`): the scheduler for a cycle's entitlements. */
  createdBy: string;
}

/** A batch taken: its changes, the newest pending change looked at (taken or left), and whether the look stopped at its limit. */
export interface TakenNeedChanges {
  changes: PendingNeedChange[];
  lastSeen: string | null;
  full: boolean;
}

/**
 * Notes the status changes `trx` writes from here on in the bulk lane. A transaction-local setting
 * (set_config(..., true)), read by the column default of need_status_live.bulk: it ends with the
 * transaction, so a pooled connection's next user is not marked. Outside a transaction it would end
 * with its own statement and mark nothing: refused.
 */
export async function markBulkLane(trx: Db): Promise<void> {
  if (!trx.isTransaction) throw new Error('markBulkLane needs a transaction: outside one the mark ends with its own statement');
  await sql`select set_config('cordon.lane', 'bulk', true)`.execute(trx);
}

interface Noted { history_id: string; need_id: string }

/**
 * Takes (deletes) up to `limit` pending changes of `lane`, oldest first, skipping rows another
 * process holds, together with the same needs' earlier pending changes of either lane, so a need's
 * changes go out in order: a resident's cancel brings along the `accepted` of the entitlement it
 * cancels. A need whose earlier change another relay holds is left for a later batch (that relay
 * publishes the earlier one first). Call it in a transaction that also stores the events, so a crash
 * publishes them later, not never. Returns the changes in history order, and the newest pending
 * change looked at with whether the lane may hold more beyond it (`full`).
 *
 * `after`: look only past this history id. Taken changes leave dead index entries that stay until
 * vacuum, and none can go while any transaction older than them runs (a district's round is prepared
 * in one 40-second transaction): a look from the lane's start steps over every change taken since, and
 * took 1.5-13 ms a batch in the district day (9.6-49.6 s of the food round's database time). The
 * relay looks on past its last batch, and from the start again now and then for changes left behind.
 */
export async function takePendingNeedChanges(trx: Executor, lane: NeedStatusLane, limit: number, after = '0'): Promise<TakenNeedChanges> {
  // Straight from the pending changes, which carry their need (migration 0036): no join, so no plan
  // to go wrong on the stale statistics of a table that swings from empty to 137,000 rows. Ordered
  // by the column (l.history_id), not the text it is read out as: that sorted every pending row, as text.
  const picked = (await sql<Noted>`
    select l.history_id::text as history_id, l.need_id::text as need_id from need_status_live l
    where l.bulk = ${lane === 'bulk'} and l.history_id > ${after}::bigint order by l.history_id limit ${limit} for update skip locked`.execute(trx)).rows;
  if (picked.length === 0) return { changes: [], lastSeen: null, full: false };
  const seen = { lastSeen: picked[picked.length - 1]!.history_id, full: picked.length >= limit };
  const lastOf = new Map<string, bigint>();
  for (const p of picked) if (BigInt(p.history_id) > (lastOf.get(p.need_id) ?? 0n)) lastOf.set(p.need_id, BigInt(p.history_id));
  // The same needs' earlier changes still pending in this statement's snapshot; `locked`: now ours
  // (one we could not lock is another relay's). Read among pending changes by need (migration 0036),
  // through arrays, so the plan does not depend on statistics of a table that swings from empty to
  // 137,000 rows and back.
  const earlier = (await sql<Noted & { locked: boolean }>`
    with pending as materialized (
      select history_id, need_id from need_status_live
      where need_id = any (${[...lastOf.keys()]}::uuid[]) and history_id < ${String(maxOf(lastOf.values()))}::bigint
        and history_id <> all (${picked.map((p) => p.history_id)}::bigint[])
    ), locked as materialized (
      select history_id from need_status_live where history_id = any (array(select history_id from pending)) for update skip locked
    )
    select p.history_id::text as history_id, p.need_id::text as need_id, p.history_id in (select history_id from locked) as locked
    from pending p`.execute(trx)).rows
    .filter((e) => BigInt(e.history_id) < lastOf.get(e.need_id)!);
  const held = new Set(earlier.filter((e) => !e.locked).map((e) => e.need_id));
  const taking = [...picked, ...earlier].filter((c) => !held.has(c.need_id)).map((c) => c.history_id);
  if (taking.length === 0) return { changes: [], ...seen };
  const res = await sql<{ history_id: string; need_id: string; household_id: string | null; corridor_id: string; kind: string; from_status: NeedStatus; to_status: NeedStatus; failure_reason: string | null; created_by: string }>`
    with taken as (
      delete from need_status_live where history_id = any (${taking}::bigint[]) returning history_id
    )
    select h.id::text as history_id, h.need_id::text as need_id, n.household_id::text as household_id, n.corridor_id::text as corridor_id,
      n.kind, h.from_status, h.to_status, n.failure_reason, n.created_by
    from need_status_history h join needs n on n.id = h.need_id
    -- = any(array(...)), not a join on the CTE: the planner can't size a CTE and, with the history
    -- growing faster than its statistics, hashed the whole table (21 ms for 64 rows, measured).
    where h.id = any (array(select history_id from taken))
    order by h.id`.execute(trx);
  const changes = res.rows.map((r) => ({
    historyId: r.history_id, needId: r.need_id, householdId: r.household_id, corridorId: r.corridor_id, kind: r.kind,
    from: r.from_status, to: r.to_status, failureReason: r.failure_reason, createdBy: r.created_by,
  }));
  return { changes, ...seen };
}

function maxOf(xs: Iterable<bigint>): bigint {
  let max = 0n;
  for (const x of xs) if (x > max) max = x;
  return max;
}
