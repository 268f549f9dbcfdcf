/**
 * A corridor's unit chiefs are looked up by corridor: on every stop of a driver's page (the gate's
 * coordinators) and for every "van near" notice. `coordinator_assignments` had only its primary key
 * (user_id, corridor_id), and its user_id was text, joined to users by `u.id::text`: each lookup
 * read all 5,000 assignments and all 5,400 users of the full-scale district day, 3.9 ms a stop, and
 * a driver's page of 14 stops took 83 ms of PostgreSQL's time (pg_stat_statements, issue #21).
 * Now the id is a uuid like the users' it names (each one is), and an index finds a corridor's rows.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A row whose user_id is no uuid names no account (the join compared it to users' ids as text).
  await sql`delete from coordinator_assignments where user_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`.execute(db);
  await sql`alter table coordinator_assignments alter column user_id type uuid using user_id::uuid`.execute(db);
  await sql`create index coordinator_assignments_corridor_idx on coordinator_assignments (corridor_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index coordinator_assignments_corridor_idx`.execute(db);
  await sql`alter table coordinator_assignments alter column user_id type text using user_id::text`.execute(db);
}
