/**
 * Reports over passes and emergency cases, per community and (UTC) day. Counts come from the
 * append-only pass history, so a report of a past day never changes afterwards.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export interface PassDayRow { communityId: string; day: string; issued: number; out: number; overdue: number; returned: number }

export interface EmergencyDayRow {
  communityId: string;
  day: string;
  cases: number;
  assigned: number;
  done: number;
  /** Seconds from accepted to trip assigned. */
  assignP50S: number | null;
  assignMaxS: number | null;
  /** Seconds from accepted to done. */
  doneP50S: number | null;
  openReviews: number;
}

export interface ReportRange { from: string; to: string; communityIds: readonly string[] | null }

const communityFilter = (column: string, ids: readonly string[] | null) =>
  ids === null ? sql`true` : ids.length === 0 ? sql`false` : sql`${sql.ref(column)} in (${sql.join(ids)})`;

export async function passReport(db: Db, r: ReportRange): Promise<PassDayRow[]> {
  const res = await sql<{ community_id: string; day: string; issued: string; out: string; overdue: string; returned: string }>`
    select community_id, to_char((at at time zone 'UTC')::date, 'YYYY-MM-DD') as day,
      count(*) filter (where to_status = 'issued') as issued,
      count(*) filter (where to_status = 'outbound_done') as out,
      count(*) filter (where to_status = 'overdue') as overdue,
      count(*) filter (where to_status = 'returned') as returned
    from pass_status_history
    where at >= ${r.from}::date and at < ${r.to}::date + 1 and ${communityFilter('community_id', r.communityIds)}
    group by 1, 2 order by 2, 1`.execute(db);
  return res.rows.map((x) => ({ communityId: x.community_id, day: x.day, issued: Number(x.issued), out: Number(x.out), overdue: Number(x.overdue), returned: Number(x.returned) }));
}

const num = (v: string | number | null): number | null => (v === null ? null : Math.round(Number(v) * 10) / 10);

export async function emergencyReport(db: Db, r: ReportRange): Promise<EmergencyDayRow[]> {
  const res = await sql<{ community_id: string; day: string; cases: string; assigned: string; done: string; assign_p50: string | null; assign_max: string | null; done_p50: string | null; open_reviews: string }>`
    select community_id, to_char((accepted_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day,
      count(*) as cases,
      count(trip_assigned_at) as assigned,
      count(done_at) as done,
      percentile_cont(0.5) within group (order by extract(epoch from trip_assigned_at - accepted_at)) as assign_p50,
      max(extract(epoch from trip_assigned_at - accepted_at)) as assign_max,
      percentile_cont(0.5) within group (order by extract(epoch from done_at - accepted_at)) as done_p50,
      count(*) filter (where review_status = 'open') as open_reviews
    from emergency_cases
    where accepted_at >= ${r.from}::date and accepted_at < ${r.to}::date + 1 and ${communityFilter('community_id', r.communityIds)}
    group by 1, 2 order by 2, 1`.execute(db);
  return res.rows.map((x) => ({
    communityId: x.community_id, day: x.day, cases: Number(x.cases), assigned: Number(x.assigned), done: Number(x.done),
    assignP50S: num(x.assign_p50), assignMaxS: num(x.assign_max), doneP50S: num(x.done_p50), openReviews: Number(x.open_reviews),
  }));
}
