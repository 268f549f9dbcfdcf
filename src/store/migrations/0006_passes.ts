/**
 * Medical passes, passenger transport and the emergency channel.
 *
 * passes + pass_status_history (append-only): the closed loop applied > ... > returned; a pass may
 * continue a medical_pass need submitted through intake (need_id), whose status then follows the pass.
 * transport_requests: one per leg (outbound, return, emergency), each placed on a transport_trip
 * (a vehicle and its driver: the driver's batch) or left unserved with a reason.
 * emergency_cases: accepted at once, with the times of each step (for response-time reports)
 * and a review record community staff close afterwards.
 */
import { sql, type Kysely } from 'kysely';

const PASS_STATUSES = `('applied','under_review','approved','refused','issued','outbound_done','at_hospital','return_done','returned','expired','cancelled','overdue')`;

const up_statements = [
  `create table hospitals (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    lat double precision not null check (lat between -90 and 90),
    lon double precision not null check (lon between -180 and 180),
    created_at timestamptz not null default now()
  )`,
  `create table passes (
    id uuid primary key default gen_random_uuid(),
    household_id uuid not null references households(id),
    corridor_id uuid not null references areas(id),
    community_id uuid not null references areas(id),
    person text not null check (length(person) between 1 and 80),
    hospital_id uuid not null references hospitals(id),
    reason text not null,
    appointment_at timestamptz not null,
    visit_ends_at timestamptz not null,
    needs_escort boolean not null default false,
    needs_wheelchair boolean not null default false,
    status text not null check (status in ${PASS_STATUSES}),
    refusal_reason text,
    valid_from timestamptz,
    valid_until timestamptz,
    code text,
    driver_id uuid references drivers(id),
    need_id uuid references needs(id),
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (visit_ends_at > appointment_at),
    check (status <> 'refused' or refusal_reason is not null),
    check ((valid_from is null) = (valid_until is null) and (valid_until is null or valid_until > valid_from))
  )`,
  `create index passes_household_idx on passes (household_id, created_at)`,
  // A medical_pass need submitted through intake becomes at most one pass.
  `create unique index passes_need_uq on passes (need_id) where need_id is not null`,
  `create index passes_community_idx on passes (community_id, created_at)`,
  // The overdue sweep reads only passes that are out.
  `create index passes_out_idx on passes (valid_until) where status in ('issued','outbound_done','at_hospital','return_done')`,
  `create table pass_status_history (
    id bigint generated always as identity primary key,
    pass_id uuid not null references passes(id),
    community_id uuid not null references areas(id),
    from_status text,
    to_status text not null,
    note text,
    actor text not null,
    at timestamptz not null
  )`,
  `create index pass_status_history_pass_idx on pass_status_history (pass_id, id)`,
  `create index pass_status_history_report_idx on pass_status_history (community_id, at)`,
  `create function refuse_pass_history_change() returns trigger language plpgsql as $$
   begin raise exception 'pass_status_history is append-only'; end $$`,
  `create trigger pass_status_history_append_only before update or delete on pass_status_history
   for each row execute function refuse_pass_history_change()`,
  `create table transport_trips (
    id uuid primary key default gen_random_uuid(),
    vehicle_id uuid not null references vehicles(id),
    driver_id uuid references drivers(id),
    status text not null default 'planned' check (status in ('planned','in_progress','done','cancelled')),
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    start_lat double precision not null,
    start_lon double precision not null,
    stops jsonb not null,
    locked_stops integer not null default 0,
    distance_m double precision not null,
    emergency boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index transport_trips_driver_idx on transport_trips (driver_id, starts_at) where status in ('planned','in_progress')`,
  `create index transport_trips_vehicle_idx on transport_trips (vehicle_id, starts_at) where status in ('planned','in_progress')`,
  `create table emergency_cases (
    id uuid primary key default gen_random_uuid(),
    household_id uuid not null references households(id),
    corridor_id uuid not null references areas(id),
    community_id uuid not null references areas(id),
    kind text not null check (kind in ('acute_illness','emergency_medicine')),
    status text not null check (status in ('accepted','trip_assigned','done','unserved','cancelled')),
    need_id uuid references needs(id),
    hospital_id uuid references hospitals(id),
    trip_ref text,
    driver_id uuid references drivers(id),
    unserved_reason text,
    accepted_at timestamptz not null,
    trip_assigned_at timestamptz,
    done_at timestamptz,
    created_by text not null,
    review_status text not null default 'open' check (review_status in ('open','closed')),
    review_outcome text check (review_outcome in ('justified','not_justified','follow_up')),
    reviewed_by text,
    reviewed_at timestamptz,
    check ((review_status = 'closed') = (reviewed_at is not null))
  )`,
  `create index emergency_cases_community_idx on emergency_cases (community_id, accepted_at)`,
  `create index emergency_cases_open_idx on emergency_cases (accepted_at) where status in ('accepted','unserved')`,
  `create table transport_requests (
    id uuid primary key default gen_random_uuid(),
    pass_id uuid references passes(id),
    emergency_id uuid references emergency_cases(id),
    leg text not null check (leg in ('outbound','return','emergency')),
    household_id uuid not null references households(id),
    community_id uuid not null references areas(id),
    pickup_lat double precision not null,
    pickup_lon double precision not null,
    drop_lat double precision not null,
    drop_lon double precision not null,
    earliest_pickup timestamptz not null,
    latest_drop timestamptz not null,
    seats integer not null check (seats between 0 and 8),
    wheelchair boolean not null default false,
    escort boolean not null default false,
    isolated boolean not null default false,
    goods boolean not null default false,
    urgent boolean not null default false,
    status text not null default 'pending' check (status in ('pending','assigned','done','unserved','cancelled')),
    unserved_reason text,
    trip_id uuid references transport_trips(id),
    created_at timestamptz not null default now(),
    check ((pass_id is null) <> (emergency_id is null))
  )`,
  // A retried approval or emergency plans each leg once.
  `create unique index transport_requests_pass_leg_uq on transport_requests (pass_id, leg) where pass_id is not null`,
  `create unique index transport_requests_emergency_uq on transport_requests (emergency_id) where emergency_id is not null`,
  `create index transport_requests_trip_idx on transport_requests (trip_id)`,
];

const down_statements = [
  'drop table transport_requests', 'drop table emergency_cases', 'drop table transport_trips',
  'drop table pass_status_history', 'drop function refuse_pass_history_change', 'drop table passes', 'drop table hospitals',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
