/**
 * The need status trigger's NOTIFY rule (migration 0014) looks back a bounded way (issue #21).
 *
 * The rule: notify unless an older change is pending. Its check walks the index down from the
 * statement's first change to the newest older pending one, stepping over every change taken since
 * (the relay deletes them). Those entries stay until vacuum, and while a round's preparation holds
 * one transaction open for a minute vacuum can remove none of them, nor can a scan mark them dead,
 * so each is read from the table. In the district day the newest pending change was often a
 * cycle's bulk entitlement thousands of taken changes below (the relay serves the interactive lane
 * first): the check cost 1.74 ms a statement, 7.0 s of PostgreSQL's time in the food round's 201 s
 * (pg_stat_statements; a third of the intake statement's 5.4 ms).
 *
 * Now it looks at most `LOOKBACK` history ids down. A pending change further below is treated as
 * none, so the statement notifies: one notification more, while the relay is busy with a backlog
 * anyway (a wake during a batch costs it one more batch, not one each: services/shared/relay-loop.ts).
 */
import { sql, type Kysely } from 'kysely';
import { changeChannel } from '../change-channel';

/** History ids the check looks down (about half are noted changes: a need's submitted row is not). */
export const LOOKBACK = 1000;

async function noteFunction(db: Kysely<unknown>, lookback: number | null): Promise<void> {
  const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
  const bound = lookback === null ? sql`` : sql`and history_id >= first_noted - ${sql.lit(lookback)}`;
  await sql`create or replace function note_need_status_live() returns trigger language plpgsql set enable_bitmapscan = off set enable_seqscan = off as $$
    declare
      first_noted bigint;
    begin
      with noted as (
        insert into need_status_live (history_id, need_id) select id, need_id from new_rows where from_status is not null and from_status <> to_status
        returning history_id
      )
      select min(history_id) into first_noted from noted;
      if first_noted is null then
        return null;
      end if;
      perform from need_status_live where history_id < first_noted ${bound} order by history_id desc limit 1;
      if not found then
        perform pg_notify(${sql.lit(changeChannel('need_status', schema))}, '');
      end if;
      return null;
    end $$`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await noteFunction(db, LOOKBACK);
}

/** As migration 0036 wrote it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await noteFunction(db, null);
}
