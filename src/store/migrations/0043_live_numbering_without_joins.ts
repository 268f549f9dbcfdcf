/**
 * The commit's numbering of staged live events (migration 0042) without a join the planner can turn
 * quadratic (issue #21).
 *
 * `live_events_staged` is a queue: rows live from a transaction's insert to its caller's read-back,
 * so whenever (auto)vacuum analyses it, it is empty and its statistics say "no rows". Every row count
 * in the numbering was then estimated at one, and the planner joined the transaction's rows to their
 * numbers (and to their scopes' counters) in nested loops: for a relay batch of n events in n scopes,
 * n² comparisons, or a walk of every staged row (dead ones too) per event. In the district day this
 * one statement was 103 s of the 317 s PostgreSQL spent executing statements while the food round
 * planned (93 ms a commit; 0.6 s for 500 events, 2 s for 1,000, measured on its schema).
 *
 * Now nothing is joined on the estimate: each scope's new counter and each row's number are looked up
 * in one `jsonb` object built once (a single row, whatever the statistics say), so a commit of n
 * events costs n index look-ups and n lookups in an object, however wrong the statistics.
 *
 * And the rows the numbering rewrites, a staged row's seq and a scope's counter, are rewritten in
 * place (HOT: no column of theirs an index holds changes) when their page has room: both tables
 * leave room on each page. A commit of 1,000 events in 700 known scopes touched 24,000 buffers, and
 * 11,300-12,600 with the room.
 */
import { sql, type Kysely } from 'kysely';
import { numberingFunction } from './0042_live_event_staging';

/** Each one-row object is `materialized`: inlined, it would be built again for every row it is read with. */
const joinFree = `create or replace function live_number_staged() returns trigger language plpgsql as $$
  begin
    if current_setting('cordon.live_staged_numbered', true) = 'yes' then
      return null;
    end if;
    perform set_config('cordon.live_staged_numbered', 'yes', true);
    with mine as materialized (
      select t.id, t.scope,
        row_number() over (partition by t.scope order by t.id) as r,
        count(*) over (partition by t.scope) as c
      from live_events_staged t where t.txid = pg_current_xact_id() and t.seq is null
    ), allocated as (
      insert into live_scope_seq as s (scope, seq)
      select distinct m.scope, m.c from mine m order by m.scope
      on conflict on constraint live_scope_seq_pkey do update set seq = s.seq + excluded.seq
      returning s.scope, s.seq
    ), tops as materialized (
      select jsonb_object_agg(a.scope, a.seq) as seq_of from allocated a
    ), numbers as materialized (
      select jsonb_object_agg(m.id::text, (tp.seq_of ->> m.scope)::bigint - m.c + m.r) as seq_of from mine m cross join tops tp
    ), marked as (
      update live_events_staged t set seq = (nb.seq_of ->> t.id::text)::bigint
      from numbers nb
      where t.txid = pg_current_xact_id() and t.seq is null
      returning t.scope, t.seq, t.event_id, t.type, t.payload, t.created_at
    )
    insert into live_events (scope, seq, event_id, type, payload, created_at)
    select m.scope, m.seq, m.event_id, m.type, m.payload, m.created_at from marked m;
    return null;
  end
  $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(joinFree).execute(db);
  await sql`alter table live_events_staged set (fillfactor = 50)`.execute(db);
  await sql`alter table live_scope_seq set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(numberingFunction).execute(db);
  await sql`alter table live_events_staged reset (fillfactor)`.execute(db);
  await sql`alter table live_scope_seq reset (fillfactor)`.execute(db);
}
