/**
 * Planning rounds: a round claims the accepted needs of an area, is cut into sub-problems (one
 * BullMQ child job each), and ends with one stored plan: trips per vehicle, stops in order, a
 * manifest of bags per stop, and the needs left unserved with a reason.
 * Unique constraints make every write of a retried job a no-op the second time.
 */
import { sql, type Kysely } from 'kysely';

const ROUND_STATUSES = `('draft','planning','proposed','approved','dispatched','in_progress','completed','failed')`;
/** A round in one of these states still owns its area's needs: a second one may not start. */
export const ROUND_OPEN = `('draft','planning','proposed','approved')`;

const up_statements = [
  `create table rounds (
    id uuid primary key default gen_random_uuid(),
    area_id uuid not null references areas(id),
    kind text not null check (kind in ('food','medicine','mixed')),
    status text not null check (status in ${ROUND_STATUSES}),
    progress integer not null default 0 check (progress between 0 and 100),
    time_limit_ms integer not null,
    seed integer not null default 1,
    -- Bumped by every re-plan: sub-problems and the merge job of each generation are distinct.
    generation integer not null default 1,
    failure_reason text,
    created_by text not null,
    approved_by text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  // "The same round requested 100 times": one open round per area and kind, enforced by the database.
  `create unique index rounds_one_open_uq on rounds (area_id, kind) where status in ${ROUND_OPEN}`,
  `create index rounds_status_idx on rounds (status)`,
  `create table round_subproblems (
    round_id uuid not null references rounds(id) on delete cascade,
    id text not null check (id ~ '^[A-Za-z0-9_-]+$'),
    community_id uuid references areas(id),
    generation integer not null default 1,
    vehicle_ids jsonb not null,
    progress integer not null default 0,
    result jsonb,
    solved_at timestamptz,
    primary key (round_id, id)
  )`,
  `create table round_needs (
    round_id uuid not null references rounds(id) on delete cascade,
    need_id uuid not null references needs(id),
    subproblem_id text not null,
    primary key (round_id, need_id)
  )`,
  `create index round_needs_need_idx on round_needs (need_id)`,
  `create table round_trips (
    round_id uuid not null references rounds(id) on delete cascade,
    id text not null,
    vehicle_id uuid not null references vehicles(id),
    depot_id uuid not null references depots(id),
    driver_id uuid references drivers(id),
    trip_no integer not null,
    subproblem_id text not null,
    distance_m double precision not null,
    duration_s double precision not null,
    primary key (round_id, id),
    unique (round_id, vehicle_id, trip_no)
  )`,
  `create index round_trips_driver_idx on round_trips (driver_id) where driver_id is not null`,
  `create table round_stops (
    id bigint generated always as identity primary key,
    round_id uuid not null,
    trip_id text not null,
    seq integer not null,
    corridor_id uuid not null references areas(id),
    planned_start_s double precision not null,
    status text not null default 'pending' check (status in ('pending','loaded','delivered','failed')),
    urgent boolean not null default false,
    -- Placed or confirmed by a dispatcher: a re-plan keeps it where it is.
    locked boolean not null default false,
    foreign key (round_id, trip_id) references round_trips(round_id, id) on delete cascade,
    unique (round_id, trip_id, seq) deferrable initially deferred
  )`,
  // The manifest: every bag of every need, on exactly one stop of a round.
  `create table round_bags (
    round_id uuid not null,
    bag_id text not null,
    stop_id bigint not null references round_stops(id) on delete cascade,
    need_id uuid not null references needs(id),
    item text not null,
    primary key (round_id, bag_id)
  )`,
  `create index round_bags_stop_idx on round_bags (stop_id)`,
  `create table round_unserved (
    round_id uuid not null references rounds(id) on delete cascade,
    need_id uuid not null references needs(id),
    reason text not null,
    primary key (round_id, need_id)
  )`,
];

const down_statements = [
  'drop table round_unserved', 'drop table round_bags', 'drop table round_stops', 'drop table round_trips',
  'drop table round_needs', 'drop table round_subproblems', 'drop table rounds',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
