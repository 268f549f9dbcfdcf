/**
 * The relays wake on NOTIFY (store/change-notify.ts) instead of waiting for their idle poll: the
 * triggers that note a need status change or an outbox event also call pg_notify, at most once
 * per statement (a 200,000-row entitlement insert sends one), delivered after commit.
 *
 * Only when the relay may be idle: a transaction that notifies takes a database-wide lock at commit
 * and holds it through its WAL flush, so notifying commits queue one behind the other. Measured
 * here, 16 clients committing one-row inserts: 3,300-3,400/s without NOTIFY, 680-730/s with one
 * per statement; with the rule below, about 10 notifications in 4 s while a relay drained every
 * 50 ms. The rule: notify unless an older change of the same kind is pending. That
 * one was either notified or seen pending by its own writer, and a relay that takes a batch always
 * looks again shortly after (see services/relay-loop.ts), so the new one goes with the next batch.
 *
 * The check looks down the index from the statement's first row for the newest older pending one,
 * which sits just below under load; the trigger functions turn bitmap and sequential scans off to
 * keep it so. The planner, told by its statistics that few rows are pending, chose a bitmap scan
 * (or, after an analyze, a sequential one), which reads every entry (or page) of the rows already
 * taken, deleted or published, that stay until vacuum, and a bitmap scan never learns to skip them:
 * 0.8 ms per intake statement over 20,000 published events, against 0.03 ms scanning the index
 * backwards (measured). With the bitmap scan the triggers cost intake about a third of its
 * throughput (16 clients, one-statement intake: 430-700/s against 630-920/s without them); with the
 * backward scan, medians of 6 runs each 591/s against 610/s, then 690/s against 789/s, on a machine
 * shared at load 5-13 (too noisy to say more than: a few per cent, not a third).
 * Channel names embed the schema (tests share one database); they are baked in here.
 */
import { sql, type Kysely } from 'kysely';
import { changeChannel } from '../change-channel';

async function currentSchema(db: Kysely<unknown>): Promise<string> {
  return (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = await currentSchema(db);
  await sql`create or replace function note_need_status_live() returns trigger language plpgsql set enable_bitmapscan = off set enable_seqscan = off as $$
    declare
      first_noted bigint;
    begin
      with noted as (
        insert into need_status_live (history_id)
        select id from new_rows where from_status is not null and from_status <> to_status
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
  // Per topic: an event of another consumer's topic left unpublished must not silence the relay's.
  await sql`create function notify_outbox() returns trigger language plpgsql set enable_bitmapscan = off set enable_seqscan = off as $$
    declare
      t record;
    begin
      for t in select topic, min(id) as first_id from new_rows group by topic loop
        perform from outbox where published_at is null and topic = t.topic and id < t.first_id order by id desc limit 1;
        if not found then
          perform pg_notify(${sql.lit(changeChannel('outbox', schema))}, '');
          return null;
        end if;
      end loop;
      return null;
    end $$`.execute(db);
  await sql`create trigger outbox_notify after insert on outbox
    referencing new table as new_rows for each statement execute function notify_outbox()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger outbox_notify on outbox`.execute(db);
  await sql`drop function notify_outbox()`.execute(db);
  // As migration 0009 wrote it.
  await sql`create or replace function note_need_status_live() returns trigger language plpgsql as $$
    begin
      insert into need_status_live (history_id)
      select id from new_rows where from_status is not null and from_status <> to_status;
      return null;
    end $$`.execute(db);
}
