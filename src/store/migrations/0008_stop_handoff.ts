/**
 * Handoff at the gate: dispatch gives each stop a short code the driver shows and the corridor
 * coordinator types in to confirm the bags changed hands. Wrong codes are counted per stop, so
 * guessing stops after a few tries. The code is kept plain: the driver's page must show it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table round_stops add column handoff_code text, add column handoff_attempts integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table round_stops drop column handoff_code, drop column handoff_attempts`.execute(db);
}
