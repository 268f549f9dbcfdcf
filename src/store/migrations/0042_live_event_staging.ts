/**
 * Live events of a change are numbered at its commit, not when they are written (issue #21).
 *
 * Taking a scope's seq locks its `live_scope_seq` row until the taker commits. A handover or a stop
 * report stored its event as its transaction's last statement, so it held the row of every scope it
 * named (the `dispatch` scope: every stop's) until its COMMIT, which its API process sends only after
 * a turn of its busy event loop. Every stop event of the district passed one at a time, each for
 * that turn: in the district day 16-19 of 27-29 busy backends waited on that row through the
 * medicine round's walk.
 *
 * Now such a transaction stages its events in `live_events_staged`, which locks nothing shared, and a
 * deferred trigger numbers them inside the COMMIT itself: it takes the seqs of the transaction's
 * scopes (sorted, so two commits never deadlock), writes the events to `live_events` and notes each
 * staged row's seq. The counters are held from there to the end of the commit, with no round trip to
 * the client in between; the events are still committed with the change or not at all, in commit
 * order. The caller then reads its staged rows back (by id) to send them.
 *
 * The trigger fires once per staged row; the first call of a transaction numbers all its rows (a
 * transaction-local setting tells the others), so a relay batch of a thousand rows is one numbering.
 * Its rows are found by the transaction's id, never by scope: a queue scanned by scope walks every
 * row numbered since the last vacuum (a first version did, and the walk's commits queued behind it).
 */
import { sql, type Kysely } from 'kysely';

/** The numbering trigger's function as this migration made it (0043 replaces it; its `down` restores this). */
export const numberingFunction = `create or replace function live_number_staged() returns trigger language plpgsql as $$
  begin
    if current_setting('cordon.live_staged_numbered', true) = 'yes' then
      return null;
    end if;
    perform set_config('cordon.live_staged_numbered', 'yes', true);
    with mine as (
      select t.id, t.scope from live_events_staged t where t.txid = pg_current_xact_id() and t.seq is null
    ), counts as (
      select m.scope, count(*) as c from mine m group by m.scope
    ), allocated as (
      insert into live_scope_seq as s (scope, seq)
      select k.scope, k.c from counts k order by k.scope
      on conflict on constraint live_scope_seq_pkey do update set seq = s.seq + excluded.seq
      returning s.scope, s.seq
    ), numbered as (
      select m.id, a.seq - k.c + row_number() over (partition by m.scope order by m.id) as seq
      from mine m join allocated a on a.scope = m.scope join counts k on k.scope = m.scope
    ), marked as (
      update live_events_staged t set seq = n.seq from numbered n
      where t.txid = pg_current_xact_id() and t.id = n.id
      returning t.scope, t.seq, t.event_id, t.type, t.payload, t.created_at
    )
    insert into live_events (scope, seq, event_id, type, payload, created_at)
    select m.scope, m.seq, m.event_id, m.type, m.payload, m.created_at from marked m;
    return null;
  end
  $$`;

const up_statements = [
  `create table live_events_staged (
    id bigint generated always as identity primary key,
    txid xid8 not null default pg_current_xact_id(),
    scope text not null,
    event_id uuid not null,
    type text not null,
    payload jsonb not null,
    created_at timestamptz not null,
    seq bigint
  )`,
  `create index live_events_staged_txid_idx on live_events_staged (txid)`,
  // Rows whose process died before reading them back: pruned with the events, by age.
  `create index live_events_staged_created_idx on live_events_staged (created_at)`,
  numberingFunction,
  `create constraint trigger live_events_staged_number after insert on live_events_staged
    deferrable initially deferred for each row execute function live_number_staged()`,
];

const down_statements = [
  'drop table live_events_staged',
  'drop function live_number_staged()',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
