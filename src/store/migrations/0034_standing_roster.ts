/**
 * A standing roster (issue #18, item 3 follow-up): a driver on a shift template every day from a
 * date on, until removed, so a depot with templates does not run out of drivers once the dated
 * roster passes. A round reads it for its own day (store/roster.repository.ts), where a dated row
 * of the same driver and template takes its place; the hours and rest rules read it too.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table driver_shift_patterns (
    id uuid primary key default gen_random_uuid(),
    driver_id uuid not null references drivers(id),
    template_id uuid not null references shift_templates(id),
    depot_id uuid not null references depots(id),
    from_date date not null,
    vehicle_id uuid references vehicles(id),
    created_by text not null,
    created_at timestamptz not null default now(),
    unique (driver_id, template_id)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table driver_shift_patterns`.execute(db);
}
