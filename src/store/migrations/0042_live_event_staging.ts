/**
 * Live events are numbered after the change they describe commits, not inside its transaction (issue #21).
 *
 * Taking a scope's seq locks its `live_scope_seq` row until the taker commits. A handover or a stop
 * report stored its event as its transaction's last statement, so it held the row of every scope it
 * named (the `dispatch` scope: every stop's) until its commit, which waits for a turn of its API
 * process's busy event loop. Every stop event of the district passed one at a time, each for that
 * turn: in the district day 16-19 of 27-29 busy backends waited on that row through the medicine
 * round's walk.
 *
 * Now such a transaction stages its events in `live_events_staged`, which locks nothing shared.
 * After its commit, `live_number_staged(scopes)` numbers them in one statement of its own: it locks
 * the scopes' counters (sorted, so two callers never deadlock), then, with a snapshot taken under
 * those locks, moves every staged row of those scopes that is committed into `live_events`, in
 * staging order, and returns them to be sent. Any caller numbers whatever is staged in its scopes,
 * its own or another's: an event whose process died between commit and numbering goes out with the
 * next event of its scope, or at the sweep (live.service.ts). A change that waited for another's
 * commit stages after it, so the two are numbered in that order.
 */
import { sql, type Kysely } from 'kysely';

const up_statements = [
  `create table live_events_staged (
    id bigint generated always as identity primary key,
    scope text not null,
    event_id uuid not null,
    type text not null,
    payload jsonb not null,
    created_at timestamptz not null,
    staged_at timestamptz not null default now()
  )`,
  `create index live_events_staged_scope_idx on live_events_staged (scope)`,
  // A scope's counter row is made (at 0) when it is first locked, before anything is numbered in it.
  `alter table live_scope_seq drop constraint live_scope_seq_seq_check`,
  `alter table live_scope_seq add constraint live_scope_seq_seq_check check (seq >= 0)`,
  `create function live_number_staged(wanted text[])
    returns table (scope text, seq bigint, event_id uuid, type text, payload jsonb, created_at timestamptz)
    language plpgsql as $$
  #variable_conflict use_column
  begin
    -- Locks every counter in sorted order, making the missing ones; the no-op update is what locks.
    insert into live_scope_seq as c (scope, seq)
      select s, 0 from (select distinct unnest(wanted) as s) w order by s
      on conflict on constraint live_scope_seq_pkey do update set seq = c.seq;
    -- A new statement, so a new snapshot: every staging committed before the locks were ours.
    return query
    with taken as (
      delete from live_events_staged t where t.scope = any(wanted)
      returning t.id, t.scope, t.event_id, t.type, t.payload, t.created_at
    ), numbered as (
      select t.*, c.seq + row_number() over (partition by t.scope order by t.id) as n
      from taken t join live_scope_seq c on c.scope = t.scope
    ), counted as (
      update live_scope_seq c set seq = c.seq + k.count
      from (select t.scope, count(*) as count from taken t group by t.scope) k where c.scope = k.scope
    ), stored as (
      insert into live_events (scope, seq, event_id, type, payload, created_at)
      select m.scope, m.n, m.event_id, m.type, m.payload, m.created_at from numbered m
      returning live_events.scope, live_events.seq, live_events.event_id, live_events.type, live_events.payload, live_events.created_at
    )
    select * from stored order by 1, 2;
  end
  $$`,
];

const down_statements = [
  'drop function live_number_staged(text[])',
  'drop table live_events_staged',
  'alter table live_scope_seq drop constraint live_scope_seq_seq_check',
  'delete from live_scope_seq where seq = 0',
  'alter table live_scope_seq add constraint live_scope_seq_seq_check check (seq > 0)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
