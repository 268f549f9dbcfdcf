/**
 * Core schema: the grid hierarchy, households, coordinators, depots and fleet, needs with their
 * append-only status history, idempotency keys and the outbox of events for the queue pipeline.
 * Plain SQL, one statement per entry (PGlite's extended protocol runs one statement at a time).
 */
import { sql, type Kysely } from 'kysely';

const OPEN = `('submitted','accepted','planned','out_for_delivery')`;

const up_statements = [
  `create table areas (
    id uuid primary key default gen_random_uuid(),
    kind text not null check (kind in ('district','street','community','building','corridor')),
    parent_id uuid references areas(id),
    community_id uuid references areas(id),
    name text not null,
    control_status text not null default 'controlled' check (control_status in ('sealed','controlled','precaution')),
    risk_colour text not null default 'green' check (risk_colour in ('green','yellow','orange','red')),
    lat double precision,
    lon double precision,
    created_at timestamptz not null default now(),
    check ((kind = 'district') = (parent_id is null))
  )`,
  `create index areas_parent_idx on areas (parent_id)`,
  `create index areas_community_idx on areas (community_id) where kind = 'corridor'`,
  `create table households (
    id uuid primary key default gen_random_uuid(),
    corridor_id uuid not null references areas(id),
    community_id uuid not null references areas(id),
    address text not null,
    members integer not null check (members between 1 and 30),
    elderly_alone boolean not null default false,
    cannot_cook boolean not null default false,
    chronic_illness boolean not null default false,
    infection_status text not null default 'none' check (infection_status in ('none','close_contact','positive')),
    lat double precision not null check (lat between -90 and 90),
    lon double precision not null check (lon between -180 and 180),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index households_corridor_idx on households (corridor_id)`,
  `create index households_community_idx on households (community_id)`,
  `create table coordinator_assignments (
    user_id text not null,
    corridor_id uuid not null references areas(id),
    assigned_at timestamptz not null default now(),
    primary key (user_id, corridor_id)
  )`,
  `create table depots (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    lat double precision not null,
    lon double precision not null,
    created_at timestamptz not null default now()
  )`,
  `create table depot_stock (
    depot_id uuid not null references depots(id),
    item text not null,
    quantity integer not null check (quantity >= 0),
    updated_at timestamptz not null default now(),
    primary key (depot_id, item)
  )`,
  `create table vehicles (
    id uuid primary key default gen_random_uuid(),
    depot_id uuid not null references depots(id),
    name text not null,
    capacity jsonb not null,
    skills text[] not null default '{}',
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`,
  `create table drivers (
    id uuid primary key default gen_random_uuid(),
    depot_id uuid not null references depots(id),
    name text not null,
    user_id text,
    skills text[] not null default '{}',
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`,
  `create table needs (
    id uuid primary key default gen_random_uuid(),
    household_id uuid not null references households(id),
    corridor_id uuid not null references areas(id),
    community_id uuid not null references areas(id),
    kind text not null check (kind in ('food_package','medicine','boxed_meal','gas','rice','oil','medical_pass')),
    identity_key text not null,
    details jsonb not null,
    status text not null check (status in ('submitted','accepted','planned','out_for_delivery','delivered','failed','cancelled')),
    urgency text not null default 'routine' check (urgency in ('routine','today','emergency')),
    priority integer not null default 0,
    cycle text,
    failure_reason text,
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  // The rule "a household holds at most one open identical need", enforced under concurrency.
  `create unique index needs_open_identity_uq on needs (household_id, kind, identity_key) where status in ${OPEN}`,
  `create index needs_household_idx on needs (household_id, created_at)`,
  `create index needs_open_community_idx on needs (community_id, status) where status in ${OPEN}`,
  `create table need_status_history (
    id bigint generated always as identity primary key,
    need_id uuid not null references needs(id),
    from_status text,
    to_status text not null,
    note text,
    actor text not null,
    at timestamptz not null default now()
  )`,
  `create index need_status_history_need_idx on need_status_history (need_id, id)`,
  // History is a record of what happened: refuse edits at the database, whoever connects.
  `create function refuse_history_change() returns trigger language plpgsql as $$
   begin raise exception 'need_status_history is append-only'; end $$`,
  `create trigger need_status_history_append_only before update or delete on need_status_history
   for each row execute function refuse_history_change()`,
  `create table idempotency_keys (
    actor text not null,
    key text not null,
    request_hash text not null,
    status_code integer,
    response jsonb,
    created_at timestamptz not null default now(),
    primary key (actor, key)
  )`,
  `create table outbox (
    id bigint generated always as identity primary key,
    topic text not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    published_at timestamptz
  )`,
  `create index outbox_unpublished_idx on outbox (id) where published_at is null`,
];

const down_statements = [
  'drop table outbox', 'drop table idempotency_keys', 'drop table need_status_history',
  'drop function refuse_history_change', 'drop table needs', 'drop table drivers', 'drop table vehicles',
  'drop table depot_stock', 'drop table depots', 'drop table coordinator_assignments',
  'drop table households', 'drop table areas',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
