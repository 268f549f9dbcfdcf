/**
 * Recurring waste pickups (issue #18, item 1): where the district sets a schedule (e.g. daily for
 * corridors with positive households), a corridor's pickup is requested every `every_days` days
 * without its unit chief asking. One schedule per corridor and category; `next_due` is the day
 * its next request opens (a waste round started on or after that day opens it, see
 * waste-schedule.repository), then moves on by `every_days`.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table waste_schedules (
    corridor_id uuid not null references areas(id),
    community_id uuid not null references areas(id),
    category text not null check (category in ('positive', 'close_contact', 'ordinary')),
    bags integer not null check (bags between 1 and 500),
    estimated_kg double precision not null check (estimated_kg > 0 and estimated_kg <= 5000),
    every_days integer not null check (every_days between 1 and 30),
    next_due date not null,
    set_by text not null,
    updated_at timestamptz not null default now(),
    primary key (corridor_id, category)
  )`.execute(db);
  await sql`create index waste_schedules_due_idx on waste_schedules (next_due)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table waste_schedules`.execute(db);
}
