/**
 * Recurring waste pickups (migration 0029): a corridor's schedule per category, and the requests
 * it opens. A schedule is due on its `next_due` day; a waste round of an area opens the due
 * requests of the area's corridors before it claims needs (one statement: the open request of that
 * corridor and category is replaced as a unit chief asking again would, see waste.repository),
 * and moves each schedule on by its interval, so a retried round start opens nothing twice.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export interface WasteSchedule {
  corridorId: string; communityId: string; category: string; bags: number; estimatedKg: number; everyDays: number;
  /** YYYY-MM-DD: the day its next request opens. */
  nextDue: string;
}

type Row = { corridor_id: string; community_id: string; category: string; bags: number; estimated_kg: number; every_days: number; next_due: string };
const toSchedule = (r: Row): WasteSchedule => ({
  corridorId: r.corridor_id, communityId: r.community_id, category: r.category, bags: r.bags, estimatedKg: Number(r.estimated_kg), everyDays: r.every_days, nextDue: r.next_due,
});
const COLUMNS = sql`corridor_id, community_id, category, bags, estimated_kg, every_days, to_char(next_due, 'YYYY-MM-DD') as next_due`;

/** Sets a corridor's schedule for a category; a new one is due today, a changed one keeps its due day. */
export async function upsertWasteSchedule(
  db: Db, s: { corridorId: string; communityId: string; category: string; bags: number; estimatedKg: number; everyDays: number; actor: string },
): Promise<WasteSchedule> {
  const res = await sql<Row>`
    insert into waste_schedules (corridor_id, community_id, category, bags, estimated_kg, every_days, next_due, set_by)
    values (${s.corridorId}, ${s.communityId}, ${s.category}, ${s.bags}, ${s.estimatedKg}, ${s.everyDays}, current_date, ${s.actor})
    on conflict (corridor_id, category) do update set bags = excluded.bags, estimated_kg = excluded.estimated_kg, every_days = excluded.every_days,
      set_by = excluded.set_by, updated_at = now()
    returning ${COLUMNS}`.execute(db);
  return toSchedule(res.rows[0]!);
}

export async function deleteWasteSchedule(db: Db, corridorId: string, category: string): Promise<void> {
  await sql`delete from waste_schedules where corridor_id = ${corridorId} and category = ${category}`.execute(db);
}

export async function corridorWasteSchedules(db: Db, corridorId: string): Promise<WasteSchedule[]> {
  const res = await sql<Row>`select ${COLUMNS} from waste_schedules where corridor_id = ${corridorId} order by category`.execute(db);
  return res.rows.map(toSchedule);
}

/**
 * Opens the requests due today or earlier in `areaId` and below (accepted needs of kind waste_pickup,
 * with their history) and moves those schedules on; returns how many it opened. Runs in the
 * round's preparation transaction.
 */
export async function openDueWasteRequests(trx: Db, areaId: string, actor: string, priority: number): Promise<number> {
  const res = await sql<{ n: string }>`
    with recursive sub as (
      select id from areas where id = ${areaId}
      union all select a.id from areas a join sub on a.parent_id = sub.id
    ),
    due as (
      update waste_schedules w set next_due = current_date + w.every_days
      where w.next_due <= current_date and (w.community_id in (select id from sub) or w.corridor_id in (select id from sub))
      returning w.corridor_id, w.community_id, w.category, w.bags, w.estimated_kg
    ),
    n as (
      insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, urgency, priority, created_by, created_at, updated_at)
      select null, d.corridor_id, d.community_id, 'waste_pickup', d.category,
        jsonb_build_object('bags', d.bags, 'estimatedKg', d.estimated_kg, 'category', d.category, 'notes', 'recurring'), 'accepted', 'routine', ${priority}, ${actor}, now(), now()
      from due d
      on conflict (corridor_id, kind, identity_key) where household_id is null and status in ('submitted', 'accepted', 'planned', 'out_for_delivery')
      do update set details = excluded.details, updated_at = excluded.updated_at where needs.status = 'accepted'
      returning id, (xmax = 0) as inserted
    ),
    h as (
      insert into need_status_history (need_id, from_status, to_status, actor, at)
      select n.id, v.f, v.t, ${actor}, now() from n cross join (values (1, null::text, 'submitted'), (2, 'submitted', 'accepted')) as v(step, f, t)
      where n.inserted order by v.step
    )
    select count(*) as n from n`.execute(trx);
  return Number(res.rows[0]?.n ?? 0);
}

/** Schedules in `areaId` and below due today or earlier: what a waste round of the area would open first. */
export async function countDueWasteSchedules(db: Db, areaId: string): Promise<number> {
  const res = await sql<{ n: string }>`
    with recursive sub as (
      select id from areas where id = ${areaId}
      union all select a.id from areas a join sub on a.parent_id = sub.id
    )
    select count(*) as n from waste_schedules w
    where w.next_due <= current_date and (w.community_id in (select id from sub) or w.corridor_id in (select id from sub))`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}
