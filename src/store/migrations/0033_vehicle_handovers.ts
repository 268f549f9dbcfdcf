/**
 * Handover of a vehicle at a shift change (issue #18, item 4). When a vehicle's next trip has
 * another driver than its trip before, the outgoing driver hands the vehicle over (its state: trips
 * done, bags on board by kind, the waste truck's disinfection, where it was last, open custody
 * records; an optional note: fuel, damage) and the incoming driver accepts it. One row per change,
 * keyed by the incoming driver's first trip after it; `state` is the vehicle as handed over (kinds
 * and counts only, never a drug name). Either side may come first (phones send queued reports
 * late), so both halves are nullable. No foreign key to round_trips: a re-planned trip does not take
 * the record with it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table vehicle_handovers (
    round_id uuid not null references rounds(id) on delete cascade,
    trip_id text not null,
    vehicle_id uuid not null references vehicles(id),
    from_driver_id uuid not null references drivers(id),
    to_driver_id uuid not null references drivers(id),
    state jsonb not null,
    note text check (note is null or length(note) <= 500),
    handed_at timestamptz,
    handed_by uuid references users(id) on delete set null,
    accepted_at timestamptz,
    accepted_by uuid references users(id) on delete set null,
    primary key (round_id, trip_id)
  )`.execute(db);
  await sql`create index vehicle_handovers_vehicle_idx on vehicle_handovers (vehicle_id, accepted_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table vehicle_handovers`.execute(db);
}
