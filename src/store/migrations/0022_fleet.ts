/**
 * The fleet as a district office keeps it (issue #15, item 3): depots with opening hours, vehicles
 * with a plate and availability windows, drivers with a phone and licence classes, each retired
 * (`active = false`) rather than deleted, since trips, batches and stock history point at them.
 *
 * Imports match a vehicle by plate, a depot by name and a driver by name and phone; the generated
 * keys below are what they match on (same rules as src/domain/fleet.ts plateKey / nameKey /
 * phoneKey, kept in step by tests/integration/fleet-api.test.ts). A plate is unique among active
 * vehicles (a retired van's plate can go to its replacement), enforced here; a depot's name and a
 * driver's name and phone are kept unique among active records by the fleet service under a lock,
 * not by an index, because fixtures and older seeds hold unnamed duplicates ("Depot", "drv").
 * Existing vehicles get no plate (null) until someone gives them one; the API requires one.
 */
import { sql, type Kysely } from 'kysely';

/** Spacing, dots, dashes and middle dots dropped, A-Z upper-cased: "沪A·12345" and "沪a 12345" are one plate. */
export const PLATE_KEY_SQL = `translate(regexp_replace(plate, '[[:space:].·-]+', '', 'g'), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')`;
/** Runs of spacing made one space, trimmed, A-Z lower-cased (as households' address keys). */
const nameKey = (column: string) => `translate(btrim(regexp_replace(${column}, '[ \\t\\r\\n]+', ' ', 'g'), ' '), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
/** Digits only (and a leading +): "+86 138-0013" and "+8613800 13" are one phone. */
const PHONE_KEY_SQL = `regexp_replace(coalesce(phone, ''), '[^0-9+]', '', 'g')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table depots
    add column active boolean not null default true,
    add column opening_from_min smallint check (opening_from_min between 0 and 1440),
    add column opening_until_min smallint check (opening_until_min between 0 and 1440),
    add column name_key text generated always as (${nameKey('name')}) stored,
    add column updated_at timestamptz not null default now(),
    add constraint depots_opening_order check (opening_from_min is null or opening_until_min is null or opening_from_min < opening_until_min)`).execute(db);
  await sql`create index depots_active_name_idx on depots (name_key) where active`.execute(db);

  await sql.raw(`alter table vehicles
    add column plate text check (plate is null or length(plate) between 2 and 20),
    add column plate_key text generated always as (${PLATE_KEY_SQL}) stored,
    add column availability jsonb not null default '[]',
    add column updated_at timestamptz not null default now()`).execute(db);
  await sql`create unique index vehicles_active_plate_uq on vehicles (plate_key) where active and plate is not null`.execute(db);

  await sql.raw(`alter table drivers
    add column phone text check (phone is null or length(phone) between 5 and 24),
    add column licence_classes text[] not null default '{}',
    add column name_key text generated always as (${nameKey('name')}) stored,
    add column phone_key text generated always as (${PHONE_KEY_SQL}) stored,
    add column updated_at timestamptz not null default now()`).execute(db);
  await sql`create index drivers_active_name_phone_idx on drivers (name_key, phone_key) where active`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index drivers_active_name_phone_idx`.execute(db);
  await sql`alter table drivers drop column updated_at, drop column phone_key, drop column name_key, drop column licence_classes, drop column phone`.execute(db);
  await sql`drop index vehicles_active_plate_uq`.execute(db);
  await sql`alter table vehicles drop column updated_at, drop column availability, drop column plate_key, drop column plate`.execute(db);
  await sql`drop index depots_active_name_idx`.execute(db);
  await sql`alter table depots drop constraint depots_opening_order, drop column updated_at, drop column name_key, drop column opening_until_min, drop column opening_from_min, drop column active`.execute(db);
}
