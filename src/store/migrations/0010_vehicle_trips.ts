/**
 * Multi-trip shifts: a van in a lockdown loads several times per shift (reload at its depot between
 * trips). `max_trips` is how many trips a vehicle may make in one round's shift (1: a single trip, as
 * before), `reload_minutes` the time at the depot between two trips. Each trip is its own batch
 * (round_trips row); `depart_s` is when it leaves the depot, in seconds from the round's start, so
 * trip 2 of a van shows when trip 1 is back and reloaded.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table vehicles
    add column max_trips integer not null default 1 check (max_trips between 1 and 12),
    add column reload_minutes integer not null default 20 check (reload_minutes between 0 and 480)`.execute(db);
  await sql`alter table round_trips add column depart_s double precision not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table round_trips drop column depart_s`.execute(db);
  await sql`alter table vehicles drop column max_trips, drop column reload_minutes`.execute(db);
}
