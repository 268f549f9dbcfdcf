/**
 * Driver shifts (issue #18, item 3). A depot's shift templates (a name, the local start HH:MM as
 * minutes from midnight, the length in minutes, the zone the start is read in: a night shift runs
 * past midnight), and the roster: a driver on a template's shift of one date, stored with its
 * concrete start and end (timestamptz) so the hours and rest rules and the planner read instants,
 * optionally with the vehicle the dispatcher wants the driver on.
 *
 * A vehicle may ask a licence class of its driver (`licence_class`, null: any). A round keeps the
 * roster it is planned with (`roster`: the drivers' shifts on the round's clock and the driver
 * limits, taken when it is prepared; null on rounds from before), so its solve, merge and every later
 * check of its plan read the same shifts and rules.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table shift_templates (
    id uuid primary key default gen_random_uuid(),
    depot_id uuid not null references depots(id),
    name text not null check (length(name) between 1 and 60),
    start_min integer not null check (start_min between 0 and 1439),
    length_min integer not null check (length_min between 30 and 1440),
    time_zone text not null,
    active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create unique index shift_templates_depot_name on shift_templates (depot_id, lower(name)) where active`.execute(db);
  await sql`create table driver_shifts (
    id uuid primary key default gen_random_uuid(),
    driver_id uuid not null references drivers(id),
    template_id uuid not null references shift_templates(id),
    depot_id uuid not null references depots(id),
    shift_date date not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null check (ends_at > starts_at),
    vehicle_id uuid references vehicles(id),
    created_by text not null,
    created_at timestamptz not null default now(),
    unique (driver_id, template_id, shift_date)
  )`.execute(db);
  await sql`create index driver_shifts_depot_date on driver_shifts (depot_id, shift_date)`.execute(db);
  await sql`create index driver_shifts_driver_start on driver_shifts (driver_id, starts_at)`.execute(db);
  await sql`alter table vehicles add column licence_class text check (licence_class is null or licence_class ~ '^[A-Z][A-Z0-9]{0,3}$')`.execute(db);
  await sql`alter table rounds add column roster jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rounds drop column roster`.execute(db);
  await sql`alter table vehicles drop column licence_class`.execute(db);
  await sql`drop table driver_shifts`.execute(db);
  await sql`drop table shift_templates`.execute(db);
}
