/**
 * Every authenticated request's session look-up names the account's driver record
 * (`drivers.user_id`), and `drivers` had no index on it: each look-up read the whole fleet's drivers,
 * all of them for the accounts that drive nothing (the district day's 5,000 unit chiefs against its
 * 300 drivers; a city's fleet is thousands). Now an index finds the one row.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index drivers_user_idx on drivers (user_id) where user_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index drivers_user_idx`.execute(db);
}
