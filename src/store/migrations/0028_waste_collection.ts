/**
 * Waste collection (issue #18, item 1). A waste pickup is a need of a corridor, not of a household:
 * the unit chief asks for the corridor's bags to be collected, so such a need has no household
 * (`needs.household_id` null exactly for the corridor kind) and one open request per corridor,
 * kind and identity (its category). Rounds gain the `waste` kind. Disposal sites are a new place:
 * where waste trucks unload, with opening hours (minutes from midnight; null: always) and a daily
 * capacity in kg. Each trip of a waste round names the site it unloads at and when (s from the
 * round's start), so the stored plan validates with the collection rules.
 */
import { sql, type Kysely } from 'kysely';

const OPEN = `('submitted','accepted','planned','out_for_delivery')`;
const KINDS = (extra: string): string => `('food_package','medicine','boxed_meal','gas','rice','oil','medical_pass'${extra})`;

const up_statements = [
  `alter table needs drop constraint needs_kind_check`,
  `alter table needs add constraint needs_kind_check check (kind in ${KINDS(",'waste_pickup'")})`,
  `alter table needs alter column household_id drop not null`,
  `alter table needs add constraint needs_subject_check check ((household_id is null) = (kind = 'waste_pickup'))`,
  `create unique index needs_open_corridor_identity_uq on needs (corridor_id, kind, identity_key) where household_id is null and status in ${OPEN}`,
  `alter table rounds drop constraint rounds_kind_check`,
  `alter table rounds add constraint rounds_kind_check check (kind in ('food','medicine','mixed','waste'))`,
  `create table disposal_sites (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    lat double precision not null,
    lon double precision not null,
    opens_min integer check (opens_min between 0 and 1439),
    closes_min integer check (closes_min between 1 and 1440),
    capacity_kg double precision not null check (capacity_kg > 0),
    unload_minutes integer not null default 15 check (unload_minutes between 0 and 240),
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`,
  `alter table round_trips add column unload_site_id uuid references disposal_sites(id), add column unload_start_s double precision`,
];

const down_statements = [
  `alter table round_trips drop column unload_site_id, drop column unload_start_s`,
  `drop table disposal_sites`,
  `alter table rounds drop constraint rounds_kind_check`,
  `alter table rounds add constraint rounds_kind_check check (kind in ('food','medicine','mixed'))`,
  `drop index needs_open_corridor_identity_uq`,
  `alter table needs drop constraint needs_subject_check`,
  `alter table needs alter column household_id set not null`,
  `alter table needs drop constraint needs_kind_check`,
  `alter table needs add constraint needs_kind_check check (kind in ${KINDS('')})`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
