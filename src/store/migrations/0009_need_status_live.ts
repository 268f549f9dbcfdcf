/**
 * Live need statuses, from the one place every status change is written: need_status_history.
 * A statement trigger notes each real change (not the first `submitted` row, not a merge note) in
 * need_status_live, in the writer's own transaction, so whatever moved a need (intake, planner,
 * dispatch, driver, reconciler, cancel) is published once it commits, by the API's relay.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table need_status_live (history_id bigint primary key references need_status_history(id))`.execute(db);
  await sql`create function note_need_status_live() returns trigger language plpgsql as $$
    begin
      insert into need_status_live (history_id)
      select id from new_rows where from_status is not null and from_status <> to_status;
      return null;
    end $$`.execute(db);
  await sql`create trigger need_status_history_live after insert on need_status_history
    referencing new table as new_rows for each statement execute function note_need_status_live()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger need_status_history_live on need_status_history`.execute(db);
  await sql`drop function note_need_status_live()`.execute(db);
  await sql`drop table need_status_live`.execute(db);
}
