/**
 * Food entitlements: generating a cycle's packages asks, per household, "does it already hold a
 * food_package need of this cycle, in any status?". This index answers that from the cycle's own
 * rows, so the anti-join stays cheap however many cycles of needs the table accumulates.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index needs_food_cycle_idx on needs (cycle, household_id) where kind = 'food_package'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index needs_food_cycle_idx`.execute(db);
}
