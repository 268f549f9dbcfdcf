/**
 * A pending need status change keeps its need's id (issue #21). The relay takes a batch with the
 * same needs' earlier pending changes, so a need's changes go out in order; it found those by
 * reading every change the batch's needs ever had (need_status_history) and keeping the pending
 * ones. That found nothing almost every time and cost 10 ms a batch under the district day's load
 * (24.6 s of PostgreSQL's time in the food round's 160 s, measured with pg_stat_statements). With
 * the need's id here and indexed, the look-up is among pending changes only.
 *
 * The trigger function of migration 0014 is the same but for the column it fills.
 */
import { sql, type Kysely } from 'kysely';
import { changeChannel } from '../change-channel';

async function noteFunction(db: Kysely<unknown>, withNeed: boolean): Promise<void> {
  const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
  const columns = withNeed ? sql`(history_id, need_id) select id, need_id` : sql`(history_id) select id`;
  await sql`create or replace function note_need_status_live() returns trigger language plpgsql set enable_bitmapscan = off set enable_seqscan = off as $$
    declare
      first_noted bigint;
    begin
      with noted as (
        insert into need_status_live ${columns} from new_rows where from_status is not null and from_status <> to_status
        returning history_id
      )
      select min(history_id) into first_noted from noted;
      if first_noted is null then
        return null;
      end if;
      perform from need_status_live where history_id < first_noted order by history_id desc limit 1;
      if not found then
        perform pg_notify(${sql.lit(changeChannel('need_status', schema))}, '');
      end if;
      return null;
    end $$`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table need_status_live add column need_id uuid`.execute(db);
  await sql`update need_status_live l set need_id = h.need_id from need_status_history h where h.id = l.history_id`.execute(db);
  await sql`alter table need_status_live alter column need_id set not null`.execute(db);
  await sql`create index need_status_live_need_idx on need_status_live (need_id, history_id)`.execute(db);
  await noteFunction(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await noteFunction(db, false);
  await sql`drop index need_status_live_need_idx`.execute(db);
  await sql`alter table need_status_live drop column need_id`.execute(db);
}
