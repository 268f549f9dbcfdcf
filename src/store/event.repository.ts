/**
 * The live event store: one row per (scope, seq). Returns plain envelopes; knows nothing of Redis.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db';

/** A stored event as the store gives it back (the event itself is re-validated by the caller). */
export interface StoredEvent {
  id: string;
  scope: string;
  seq: number;
  at: string;
  event: unknown;
}


export interface EventToStore {
  id: string;
  type: string;
  event: unknown;
  at: Date;
  scopes: readonly string[];
}

/**
 * Stores one event in every given scope and returns the envelopes, in scope order.
 * Run it inside the caller's transaction to store events atomically with the change they describe.
 */
export async function appendEvent(db: Db, scopes: readonly string[], input: Omit<EventToStore, 'scopes'>): Promise<StoredEvent[]> {
  return (await appendEvents(db, [{ ...input, scopes }]))[0] ?? [];
}

/**
 * Stores many events in one statement, whatever their number; returns each event's envelopes in
 * scope order. The upsert on `live_scope_seq` takes a block of seqs per scope (holding the row lock
 * until commit, so concurrent publishers queue up per scope); events get those seqs in the order
 * given. One statement, so it is atomic even outside a transaction: no seq is ever visible before
 * the ones below it. Scopes are locked in sorted order, so two publishers never deadlock.
 * `alongside`: inserts that belong with these events (their webhook deliveries, their notices), run
 * by the same statement as data-modifying `with` queries, so they commit together without a
 * transaction around them.
 */
export async function appendEvents(db: Db, inputs: readonly EventToStore[], alongside: readonly RawBuilder<unknown>[] = []): Promise<StoredEvent[][]> {
  const counts = new Map<string, number>();
  // k: the row's place within its scope's block (1-based), in input order.
  const rows = inputs.flatMap((input) =>
    [...new Set(input.scopes)].sort().map((scope) => {
      const k = (counts.get(scope) ?? 0) + 1;
      counts.set(scope, k);
      return { scope, k, input };
    }),
  );
  // With nothing to store but what rides alongside, the statement below still runs those.
  if (rows.length === 0 && alongside.length === 0) return inputs.map(() => []);
  const sorted = [...counts.keys()].sort();
  const side = alongside.map((statement, i) => sql`${sql.ref(`alongside_${i}`)} as (${statement}),`);
  const result = await sql<{ scope: string; seq: string; event_id: string }>`
    with ${sql.join(side, sql` `)} allocated as (
      insert into live_scope_seq (scope, seq)
      select s, c from unnest(${sorted}::text[], ${sorted.map((s) => counts.get(s)!)}::int8[]) with ordinality as t(s, c, n) order by n
      on conflict (scope) do update set seq = live_scope_seq.seq + excluded.seq
      returning scope, seq
    ), blocks as (
      select s as scope, c from unnest(${sorted}::text[], ${sorted.map((s) => counts.get(s)!)}::int8[]) as b(s, c)
    )
    insert into live_events (scope, seq, event_id, type, payload, created_at)
    select r.scope, a.seq - b.c + r.k, r.id, r.type, r.payload, r.at
    from unnest(${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.k)}::int8[], ${rows.map((r) => r.input.id)}::uuid[],
      ${rows.map((r) => r.input.type)}::text[], ${rows.map((r) => JSON.stringify(r.input.event))}::jsonb[],
      ${rows.map((r) => r.input.at.toISOString())}::timestamptz[]) as r(scope, k, id, type, payload, at)
    join allocated a on a.scope = r.scope join blocks b on b.scope = r.scope
    returning scope, seq, event_id`.execute(db);
  const seqOf = new Map(result.rows.map((r) => [`${r.event_id} ${r.scope}`, Number(r.seq)]));
  const stored = new Map<EventToStore, StoredEvent[]>(inputs.map((input) => [input, []]));
  for (const { scope, input } of rows) {
    stored.get(input)!.push({ id: input.id, scope, seq: seqOf.get(`${input.id} ${scope}`)!, at: input.at.toISOString(), event: input.event });
  }
  return inputs.map((input) => stored.get(input)!);
}

/**
 * Stages events in the caller's transaction (migration 0042): nothing shared is locked until its
 * COMMIT, which numbers them. Returns each event's staged row ids (one per scope), for
 * `takeNumbered` after the commit. `alongside` as for `appendEvents`.
 */
export async function stageEvents(db: Db, inputs: readonly EventToStore[], alongside: readonly RawBuilder<unknown>[] = []): Promise<string[][]> {
  const rows = inputs.flatMap((input) => [...new Set(input.scopes)].sort().map((scope) => ({ scope, input })));
  if (rows.length === 0 && alongside.length === 0) return inputs.map(() => []);
  const side = alongside.map((statement, i) => sql`${sql.ref(`alongside_${i}`)} as (${statement})`);
  // Staged in the order given: a scope's events are numbered in that order.
  const result = await sql<{ id: string; scope: string; event_id: string }>`
    ${side.length ? sql`with ${sql.join(side, sql`, `)}` : sql``}
    insert into live_events_staged (scope, event_id, type, payload, created_at)
    select scope, id, type, payload, at
    from unnest(${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.input.id)}::uuid[], ${rows.map((r) => r.input.type)}::text[],
      ${rows.map((r) => JSON.stringify(r.input.event))}::jsonb[], ${rows.map((r) => r.input.at.toISOString())}::timestamptz[])
      with ordinality as r(scope, id, type, payload, at, n)
    order by n
    returning id, scope, event_id`.execute(db);
  // Matched by event and scope, as appendEvents does, not by the order RETURNING happens to keep.
  const idOf = new Map(result.rows.map((r) => [`${r.event_id} ${r.scope}`, String(r.id)]));
  return inputs.map((input) => [...new Set(input.scopes)].sort().map((scope) => idOf.get(`${input.id} ${scope}`)!));
}

/**
 * After the commit that numbered them: the staged rows `ids` as stored events (scope and seq order),
 * removed from the staging table. Rows already taken (a retry) are not returned again.
 */
export async function takeNumbered(db: Db, ids: readonly string[]): Promise<StoredEvent[]> {
  if (ids.length === 0) return [];
  const result = await sql<{ scope: string; seq: string; event_id: string; payload: unknown; created_at: Date | string }>`
    delete from live_events_staged where id = any(${ids}::int8[]) and seq is not null
    returning scope, seq, event_id, payload, created_at`.execute(db);
  return result.rows
    .map((r) => ({ id: r.event_id, scope: r.scope, seq: Number(r.seq), at: new Date(r.created_at).toISOString(), event: r.payload }))
    .sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.seq - b.seq));
}

/** Events of one scope after `sinceSeq`, oldest first, at most `limit`. */
export async function eventsSince(db: Db, scope: string, sinceSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
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
export async function latestSeq(db: Db, scope: string): Promise<number> {
  const row = await db.selectFrom('live_scope_seq').select('seq').where('scope', '=', scope).executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

/** Deletes events stored before `before`; sequence counters stay, so seqs never restart. Returns the count. */
export async function pruneEvents(db: Db, before: Date): Promise<number> {
  // Staged rows never read back (their process died after the commit): their events are in live_events.
  await db.deleteFrom('live_events_staged').where('created_at', '<', before).execute();
  const result = await db.deleteFrom('live_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
