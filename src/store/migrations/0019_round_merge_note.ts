/**
 * Set partitioning at a round's merge (issue #14 item 4): the round records how it went (improved the
 * merged plan, found nothing cheaper, ran out of time, or its plan failed validation), with the costs
 * before and after and the time it took, and the proposal shows it. Counts and costs only.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rounds add column merge_note jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rounds drop column merge_note`.execute(db);
}
