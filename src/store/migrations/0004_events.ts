/**
 * Live events: every published event is stored once per scope with that scope's next sequence
 * number, so a client that was away can ask "what did I miss in scope S since seq N".
 * `live_scope_seq` holds the counter per scope: an upsert `... returning seq` takes the row lock,
 * so concurrent publishers to one scope get 1, 2, 3... without gaps, in commit order.
 */
import { sql, type Kysely } from 'kysely';

const up_statements = [
  `create table live_scope_seq (
    scope text primary key,
    seq bigint not null check (seq > 0)
  )`,
  `create table live_events (
    scope text not null,
    seq bigint not null,
    event_id uuid not null,
    type text not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    primary key (scope, seq)
  )`,
  // Pruning deletes by age.
  `create index live_events_created_idx on live_events (created_at)`,
];

const down_statements = ['drop table live_events', 'drop table live_scope_seq'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
