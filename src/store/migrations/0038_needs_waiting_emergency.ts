/**
 * The reconciler asks every few seconds which emergency needs still wait for a vehicle
 * (acceptedEmergencyNeedIds: status accepted, urgency emergency). Without an index that was a
 * sequential scan of every need: 45 ms a time at the district day's 190,000 needs, 2.4 s of
 * PostgreSQL's time in the food round's planning (pg_stat_statements). A partial index holds only
 * the few that wait.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index needs_waiting_emergency_idx on needs (id) where status = 'accepted' and urgency = 'emergency'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index needs_waiting_emergency_idx`.execute(db);
}
