/**
 * The district at a glance (issue #17, item 3): aggregate counts over needs, rounds, stops, stock,
 * passes and emergencies, each one grouped statement limited to the communities in view. The
 * open-needs and open-emergency parts ride the partial indexes those tables already have; the
 * rest is bounded by the window start (`since`) and the rounds it touches.
 */
import { sql, type RawBuilder } from 'kysely';
import type { NeedKind } from '../domain/kinds';
import { NO_FAILURE_REASON, type NeedStatus } from '../domain/need-status';
import type { Db } from './db';

export interface CommunityRef { id: string; name: string }

/** The communities in view (the whole district: every community). */
export interface OverviewScope { communityIds: readonly string[] }

const inList = (ids: readonly string[]): RawBuilder<unknown> => (ids.length ? sql.join(ids) : sql`null`);

/**
 * The communities at or below `areaId` (every community when none), cut to `only` when given
 * (community staff), by name.
 */
export async function communitiesInView(db: Db, areaId: string | undefined, only: readonly string[] | undefined): Promise<CommunityRef[]> {
  if (only?.length === 0) return [];
  const res = await sql<{ id: string; name: string }>`
    with recursive sub as (
      select id from areas where id = ${areaId ?? null}::uuid
      union all select c.id from areas c join sub on c.parent_id = sub.id where c.kind in ('district', 'street', 'community')
    )
    select a.id, a.name from areas a
    where a.kind = 'community' and a.retired_at is null
      and (${areaId ?? null}::uuid is null or a.id in (select id from sub))
      and (${only === undefined} or a.id in (${inList(only ?? [])}))
    order by a.name, a.id`.execute(db);
  return res.rows;
}

export interface NeedCountRow { communityId: string; kind: NeedKind; status: NeedStatus; reason: string | null; count: number }

/**
 * Needs per community, kind and status (failed ones also per reason): every open one, and the closed
 * ones last changed since `since`. One pass over needs serves the status counts and the failures.
 */
export async function needCounts(db: Db, s: OverviewScope, open: readonly NeedStatus[], since: Date): Promise<NeedCountRow[]> {
  const res = await sql<{ community_id: string; kind: NeedKind; status: NeedStatus; reason: string | null; n: string }>`
    select community_id, kind, status, case when status = 'failed' then coalesce(failure_reason, ${NO_FAILURE_REASON}) end as reason, count(*) as n from needs
    where community_id in (${inList(s.communityIds)}) and (status in (${sql.join(open)}) or updated_at >= ${since})
    group by 1, 2, 3, 4`.execute(db);
  return res.rows.map((r) => ({ communityId: r.community_id, kind: r.kind, status: r.status, reason: r.reason, count: Number(r.n) }));
}

/** Food packages of a cycle per community: owed (all but cancelled) and delivered. */
export async function cycleCounts(db: Db, s: OverviewScope, cycle: string): Promise<{ communityId: string; owed: number; delivered: number }[]> {
  const res = await sql<{ community_id: string; owed: string; delivered: string }>`
    select community_id, count(*) filter (where status <> 'cancelled') as owed, count(*) filter (where status = 'delivered') as delivered
    from needs where kind = 'food_package' and cycle = ${cycle} and community_id in (${inList(s.communityIds)})
    group by community_id`.execute(db);
  return res.rows.map((r) => ({ communityId: r.community_id, owed: Number(r.owed), delivered: Number(r.delivered) }));
}

/**
 * Needs still waiting (accepted) whose latest round left them unserved, per community and that
 * round's reason (a need served by a later round is not counted).
 */
export async function unservedReasons(db: Db, s: OverviewScope, since: Date): Promise<{ communityId: string; reason: string; count: number }[]> {
  const res = await sql<{ community_id: string; reason: string; n: string }>`
    with latest as (
      select distinct on (rn.need_id) rn.need_id, rn.round_id from round_needs rn join rounds r on r.id = rn.round_id
      where r.created_at >= ${since}
      order by rn.need_id, r.created_at desc, r.id desc
    )
    select n.community_id, u.reason, count(*) as n
    from latest l join round_unserved u on u.round_id = l.round_id and u.need_id = l.need_id join needs n on n.id = l.need_id
    where n.status = 'accepted' and n.community_id in (${inList(s.communityIds)})
    group by n.community_id, u.reason`.execute(db);
  return res.rows.map((r) => ({ communityId: r.community_id, reason: r.reason, count: Number(r.n) }));
}

/**
 * Stops delivered on rounds started since `since`, per community: on time or late against their
 * gate's receiving hours (the plan's clock, which starts its shift at `shiftStartMin`, read from
 * the moment the round went out), or without hours to be late against. Delivered at: the first of
 * its needs' `delivered` history rows; out at: the first `out_for_delivery` row of the round's needs.
 */
export async function deliveryTimeliness(db: Db, s: OverviewScope, since: Date, shiftStartMin: number): Promise<{ communityId: string; onTime: number; late: number; noWindow: number }[]> {
  const res = await sql<{ community_id: string; on_time: string; late: string; no_window: string }>`
    with out_at as (
      select r.id as round_id, (select min(h.at) from round_bags b join need_status_history h on h.need_id = b.need_id and h.to_status = 'out_for_delivery' where b.round_id = r.id) as at
      from rounds r where r.created_at >= ${since} and r.status in ('dispatched', 'in_progress', 'completed')
    ), stops as (
      select a.community_id, a.receiving_until_min as until_min, o.at as out_at,
        (select min(h.at) from round_bags b join need_status_history h on h.need_id = b.need_id and h.to_status = 'delivered' where b.stop_id = s.id) as delivered_at
      from out_at o join round_stops s on s.round_id = o.round_id join areas a on a.id = s.corridor_id
      where s.status = 'delivered' and a.community_id in (${inList(s.communityIds)})
    )
    select community_id,
      count(*) filter (where until_min is not null and delivered_at <= out_at + make_interval(mins => until_min - ${shiftStartMin})) as on_time,
      count(*) filter (where until_min is not null and delivered_at > out_at + make_interval(mins => until_min - ${shiftStartMin})) as late,
      count(*) filter (where until_min is null or delivered_at is null or out_at is null) as no_window
    from stops group by community_id`.execute(db);
  return res.rows.map((r) => ({ communityId: r.community_id, onTime: Number(r.on_time), late: Number(r.late), noWindow: Number(r.no_window) }));
}

export interface StockCoverRow { depotId: string; depotName: string; itemCode: string; itemName: string; onHand: number; reserved: number; used: number }

/** Balances per depot and item with what left them as deductions (deliveries) since `since`. */
export async function stockUse(db: Db, since: Date): Promise<StockCoverRow[]> {
  const res = await sql<{ depot_id: string; depot_name: string; item_code: string; item_name: string; on_hand: number; reserved: number; used: string | null }>`
    select b.depot_id, d.name as depot_name, b.item_code, i.name as item_name, b.on_hand, b.reserved, u.used
    from stock_balances b join depots d on d.id = b.depot_id join items i on i.code = b.item_code
    left join (
      select depot_id, item_code, -sum(on_hand_delta) as used from stock_ledger
      where movement = 'deduction' and at >= ${since} group by depot_id, item_code
    ) u on u.depot_id = b.depot_id and u.item_code = b.item_code
    where d.active
    order by d.name, b.item_code`.execute(db);
  return res.rows.map((r) => ({
    depotId: r.depot_id, depotName: r.depot_name, itemCode: r.item_code, itemName: r.item_name, onHand: Number(r.on_hand), reserved: Number(r.reserved), used: Number(r.used ?? 0),
  }));
}

/** Passes out per community: in flight (out, not yet overdue) and overdue. */
export async function passesOut(db: Db, s: OverviewScope, inFlight: readonly string[]): Promise<{ communityId: string; inFlight: number; overdue: number }[]> {
  const res = await sql<{ community_id: string; in_flight: string; overdue: string }>`
    select community_id, count(*) filter (where status in (${sql.join(inFlight)})) as in_flight, count(*) filter (where status = 'overdue') as overdue
    from passes where community_id in (${inList(s.communityIds)}) and status in (${sql.join([...inFlight, 'overdue'])})
    group by community_id`.execute(db);
  return res.rows.map((r) => ({ communityId: r.community_id, inFlight: Number(r.in_flight), overdue: Number(r.overdue) }));
}

export interface EmergencyFigures {
  total: number; waiting: number; assigned: number; done: number; unserved: number;
  /** Seconds from accepted to trip assigned / to done: p50 and p90 (null: none yet). */
  assignP50S: number | null; assignP90S: number | null; doneP50S: number | null; doneP90S: number | null;
}

/** Emergencies accepted since `since` in the communities: by status, and response times. */
export async function emergencyFigures(db: Db, s: OverviewScope, since: Date): Promise<EmergencyFigures> {
  const res = await sql<{ total: string; waiting: string; assigned: string; done: string; unserved: string; assign: number[] | null; done_s: number[] | null }>`
    select count(*) as total, count(*) filter (where status = 'accepted') as waiting, count(*) filter (where status = 'trip_assigned') as assigned,
      count(*) filter (where status = 'done') as done, count(*) filter (where status = 'unserved') as unserved,
      percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from trip_assigned_at - accepted_at)) filter (where trip_assigned_at is not null) as assign,
      percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from done_at - accepted_at)) filter (where done_at is not null) as done_s
    from emergency_cases where accepted_at >= ${since} and community_id in (${inList(s.communityIds)})`.execute(db);
  const r = res.rows[0];
  const at = (a: number[] | null | undefined, i: number): number | null => (a?.[i] == null ? null : Math.round(Number(a[i])));
  return {
    total: Number(r?.total ?? 0), waiting: Number(r?.waiting ?? 0), assigned: Number(r?.assigned ?? 0), done: Number(r?.done ?? 0), unserved: Number(r?.unserved ?? 0),
    assignP50S: at(r?.assign, 0), assignP90S: at(r?.assign, 1), doneP50S: at(r?.done_s, 0), doneP90S: at(r?.done_s, 1),
  };
}
