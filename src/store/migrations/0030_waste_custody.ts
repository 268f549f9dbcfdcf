/**
 * Chain of custody of epidemic waste and the disinfection of the vehicles that carried it (issue
 * #18, item 2). A pickup record per stop of a waste trip (bags and kg as the crew weighed them), an
 * unload record per trip (kg weighed again at the disposal site, with the trip's picked-up kg at
 * that moment and whether the difference exceeded the tolerance: the desk's flag lives on the
 * trip's record), and a disinfection record per waste trip (who, when, which agent).
 *
 * Keyed by round and stop or trip, with no foreign key to round_stops / round_trips: custody
 * records outlive an edit of the plan (a stop moved to another trip keeps its pickup; a trip is never
 * deleted under a record by a cascade). `vehicle_id` is the vehicle that was disinfected.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table waste_pickups (
    round_id uuid not null references rounds(id) on delete cascade,
    stop_id bigint not null,
    bags integer not null check (bags between 0 and 1000),
    kg double precision not null check (kg >= 0 and kg <= 20000),
    picked_at timestamptz not null,
    recorded_by text not null,
    recorded_at timestamptz not null,
    primary key (round_id, stop_id)
  )`.execute(db);
  await sql`create table waste_unloads (
    round_id uuid not null references rounds(id) on delete cascade,
    trip_id text not null,
    site_id uuid references disposal_sites(id),
    kg double precision not null check (kg >= 0 and kg <= 50000),
    picked_kg double precision not null,
    discrepancy double precision,
    flagged boolean not null,
    unloaded_at timestamptz not null,
    recorded_by text not null,
    recorded_at timestamptz not null,
    primary key (round_id, trip_id)
  )`.execute(db);
  await sql`create table vehicle_disinfections (
    round_id uuid not null references rounds(id) on delete cascade,
    trip_id text not null,
    vehicle_id uuid not null references vehicles(id),
    agent text not null,
    disinfected_at timestamptz not null,
    recorded_by text not null,
    recorded_at timestamptz not null,
    primary key (round_id, trip_id)
  )`.execute(db);
  await sql`create index vehicle_disinfections_vehicle_idx on vehicle_disinfections (vehicle_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table vehicle_disinfections`.execute(db);
  await sql`drop table waste_unloads`.execute(db);
  await sql`drop table waste_pickups`.execute(db);
}
