/**
 * The household register (issue #15, item 2): a phone number, two more vulnerability flags
 * (pregnant, an infant in the household) and the address key a register import matches on.
 *
 * `address_key` is the address with runs of spaces, tabs and line breaks made one space, trimmed,
 * and A-Z lower-cased (ASCII only, so it does not depend on the database's locale); the same rule
 * is `addressKey` in src/domain/household-register.ts. One household per corridor and key: an import
 * run again updates the household instead of adding a second one. Stored and generated, so every
 * writer (seeds, tests, the API) gets it without knowing about it.
 */
import { sql, type Kysely } from 'kysely';

export const ADDRESS_KEY_SQL = `translate(btrim(regexp_replace(address, '[ \\t\\r\\n]+', ' ', 'g'), ' '), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table households
    add column phone text check (phone is null or length(phone) between 5 and 24),
    add column pregnant boolean not null default false,
    add column infant boolean not null default false,
    add column address_key text generated always as (${ADDRESS_KEY_SQL}) stored`).execute(db);
  await sql`create unique index households_address_key_uq on households (corridor_id, address_key)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index households_address_key_uq`.execute(db);
  await sql`alter table households drop column address_key, drop column infant, drop column pregnant, drop column phone`.execute(db);
}
