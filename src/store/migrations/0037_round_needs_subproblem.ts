/**
 * A sub-problem's needs are read by round and sub-problem (loadSubproblemNeeds, at the start of every
 * solve job). With only the (round_id, need_id) key the read was a parallel sequential scan of every
 * round's needs: 88 ms a job at the district day's scale (120 jobs, 10.6 s of PostgreSQL's time in
 * the food round's search, measured with pg_stat_statements), a few ms with this index.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index round_needs_subproblem_idx on round_needs (round_id, subproblem_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index round_needs_subproblem_idx`.execute(db);
}
