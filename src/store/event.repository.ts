/**
 * The live event store: one row per (scope, seq). Returns plain envelopes; knows nothing of Redis.
 */
import { sql, type ColumnType, type Kysely } from 'kysely';

export type LiveScopeSeqTable = {
  scope: string;
  /** int8: read as a string (pg and PGlite both), written as a number. */
  seq: ColumnType<string, number, number>;
};

export type LiveEventsTable = {
  scope: string;
  seq: ColumnType<string, number, never>;
  event_id: string;
  type: string;
  payload: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, Date | string, never>;
};

// A type alias, not an interface: withTables<T> needs T to have an implicit index signature.
export type EventTables = {
  live_scope_seq: LiveScopeSeqTable;
  live_events: LiveEventsTable;
};

/** A stored event as the store gives it back (the event itself is re-validated by the caller). */
export interface StoredEvent {
  id: string;
  scope: string;
  seq: number;
  at: string;
  event: unknown;
}

// Any Kysely (or transaction) whose database has the event tables; core tables are reached with withTables.
type AnyDb = Kysely<object>;
const events = (db: AnyDb): Kysely<EventTables> => db.withTables<EventTables>() as unknown as Kysely<EventTables>;

/**
 * Stores one event in every given scope and returns the envelopes, in scope order.
 * One statement: the upsert on `live_scope_seq` allocates each scope's next seq (holding the row lock
 * until commit, so concurrent publishers queue up per scope) and the insert stores the rows.
 * Scopes are deduplicated and sorted so two publishers always lock them in the same order (no deadlock).
 * Run it inside the caller's transaction to store events atomically with the change they describe.
 */
export async function appendEvent(
  db: AnyDb,
  scopes: readonly string[],
  input: { id: string; type: string; event: unknown; at: Date },
): Promise<StoredEvent[]> {
  const sorted = [...new Set(scopes)].sort();
  if (sorted.length === 0) return [];
  const payload = JSON.stringify(input.event);
  const result = await sql<{ scope: string; seq: string }>`
    with allocated as (
      insert into live_scope_seq (scope, seq)
      select s, 1 from unnest(${sorted}::text[]) with ordinality as t(s, n) order by n
      on conflict (scope) do update set seq = live_scope_seq.seq + 1
      returning scope, seq
    )
    insert into live_events (scope, seq, event_id, type, payload, created_at)
    select scope, seq, ${input.id}::uuid, ${input.type}, ${payload}::jsonb, ${input.at.toISOString()}::timestamptz from allocated
    returning scope, seq`.execute(db);
  const at = input.at.toISOString();
  return result.rows
    .map((r) => ({ id: input.id, scope: r.scope, seq: Number(r.seq), at, event: input.event }))
    .sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
}

/** Events of one scope after `sinceSeq`, oldest first, at most `limit`. */
export async function eventsSince(db: AnyDb, scope: string, sinceSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await events(db)
    .selectFrom('live_events')
    .select(['event_id', 'scope', 'seq', 'payload', 'created_at'])
    .where('scope', '=', scope)
    .where(sql<boolean>`seq > ${sinceSeq}`)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.event_id,
    scope: r.scope,
    seq: Number(r.seq),
    at: new Date(r.created_at).toISOString(),
    event: r.payload,
  }));
}

/** The last seq allocated in a scope; 0 when nothing was ever published there. */
export async function latestSeq(db: AnyDb, scope: string): Promise<number> {
  const row = await events(db).selectFrom('live_scope_seq').select('seq').where('scope', '=', scope).executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

/** Deletes events stored before `before`; sequence counters stay, so seqs never restart. Returns the count. */
export async function pruneEvents(db: AnyDb, before: Date): Promise<number> {
  const result = await events(db).deleteFrom('live_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
