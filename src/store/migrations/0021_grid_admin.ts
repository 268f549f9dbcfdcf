/**
 * The grid as an API (issue #15, item 1): areas are retired, never deleted (`retired_at`), carry
 * an optional outline (a GeoJSON Polygon or MultiPolygon, checked at the edge) and a name key the
 * grid import matches on within the parent (the rule of `addressKey`: runs of spaces made one,
 * trimmed, A-Z lower-cased). No unique index on (parent, name key): seeds and benches have
 * same-named siblings; the API and the import refuse a second active one under a parent, one grid
 * write at a time (an advisory lock, src/store/area-admin.repository.ts).
 */
import { sql, type Kysely } from 'kysely';
import { ADDRESS_KEY_SQL } from './0020_household_register';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table areas
    add column retired_at timestamptz,
    add column outline jsonb,
    add column updated_at timestamptz not null default now(),
    add column name_key text generated always as (${ADDRESS_KEY_SQL.replaceAll('address', 'name')}) stored`).execute(db);
  await sql`create index areas_parent_name_idx on areas (parent_id, name_key) where retired_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index areas_parent_name_idx`.execute(db);
  await sql`alter table areas drop column name_key, drop column updated_at, drop column outline, drop column retired_at`.execute(db);
}
