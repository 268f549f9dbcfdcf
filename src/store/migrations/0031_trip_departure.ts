/**
 * The van leaving the depot (issue #19, item 2): the driver's "left the depot" report, stored on
 * the trip. It starts the trip's first stop's ETA notice, which until now nothing could start (the
 * ETA of a stop is sent when the van leaves the stop before it). Null until reported; set once.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table round_trips add column departed_at timestamptz, add column departed_by uuid references users(id) on delete set null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table round_trips drop column departed_at, drop column departed_by`.execute(db);
}
