/**
 * Publishing live events: store first (per-scope seq in PostgreSQL), then fan out through the
 * Redis stream every Socket.IO server reads. Used alike by API services and workers: nothing here
 * needs a Socket.IO server.
 *
 * Two ways in. `publish`: an event on its own, numbered and stored by one statement. `store` and
 * `storeMany`: events that belong with a change, staged in the change's transaction, numbered by its
 * COMMIT (migration 0042 says why) and sent by `release` after it.
 */
import { randomUUID } from 'node:crypto';
import { liveEventSchema, type Envelope, type LiveEvent, type Scope } from '../../contracts/events';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { appendEvents, eventsSince, latestSeq, pruneEvents, stageEvents, takeNumbered, type StoredEvent } from '../../store/event.repository';
import type { LiveStream } from './live-stream';
import type { Db } from '../../store/db';
import { captureWebhookEvents, webhookDeliveriesInsert } from '../webhooks/webhook-capture';
import { captureNoticeEvents, noticeInsert } from '../notices/notice-capture';

/** Socket.IO event name every envelope travels under. */
export const ENVELOPE_EVENT = 'event';

export interface LivePublisherDeps {
  db: Db;
  stream: LiveStream;
  clock: Clock;
  logger: Logger;
  /** Wait before sending again the envelopes of a failed fan-out (Redis away), ms. Default 1000. */
  fanOutRetryMs?: number;
}

/** Envelopes of failed fan-outs held for the next try, at most; beyond, the oldest are dropped (clients resume). */
const MAX_HELD_ENVELOPES = 10_000;

export type ReplayResult =
  | { kind: 'events'; events: Envelope[]; latestSeq: number }
  | { kind: 'snapshot-required'; latestSeq: number };

export interface LivePublisher {
  /** Stores `event` in every scope, then pushes it to the clients of those scopes. */
  publish(scopes: readonly Scope[], event: LiveEvent): Promise<Envelope[]>;
  /** Stages `event` in the caller's transaction, unnumbered; call `release` with the result after commit. */
  store(trx: Db, scopes: readonly Scope[], event: LiveEvent): Promise<Staged[]>;
  /**
   * `store` for many events at once (three statements whatever their number).
   * `notify: false`: the event is not one anyone is told of by notice (notice-capture.ts), whatever its type.
   */
  storeMany(trx: Db, events: readonly ToStore[]): Promise<Staged[]>;
  /**
   * After the commit that staged (and numbered) them: sends them, and returns what it sent. Never
   * rejects: a failure is logged; the events are stored, and a client fills the hole with `resume`.
   */
  release(staged: readonly Staged[]): Promise<Envelope[]>;
  /**
   * Pushes numbered envelopes to their scopes' clients. Every command is issued before this returns
   * (on the publisher's one connection), so a later call's messages follow these in the stream.
   * Never rejects: a failure is logged and the envelopes are sent again until Redis answers.
   */
  fanOut(envelopes: readonly Envelope[]): Promise<void>;
  /** Disconnects every socket of a session, on every server (call it when the session is revoked). */
  disconnectSession(sessionId: string): Promise<void>;
  /** Disconnects every socket of every session of a user (all their sessions revoked). */
  disconnectUser(userId: string): Promise<void>;
}

/** Events staged in a transaction: their staged rows (one per scope), for `release` to read back. */
export interface Staged { readonly rowIds: readonly string[] }

/** An event to store, in its scopes. */
export interface ToStore { scopes: readonly Scope[]; event: LiveEvent; notify?: boolean }

export function createLivePublisher(deps: LivePublisherDeps): LivePublisher {
  type Checked = { scopes: readonly Scope[]; event: LiveEvent; id: string; at: Date; notify: boolean };

  // Strict schemas: an event carrying an extra (possibly medical) field is refused here, not shipped.
  const check = (events: readonly ToStore[]): Checked[] => {
    const at = deps.clock.now();
    return events.map((e) => ({ scopes: e.scopes, event: liveEventSchema.parse(e.event), id: randomUUID(), at, notify: e.notify ?? true }));
  };

  const envelopesOf = (stored: readonly StoredEvent[]): Envelope[] => stored.map((s) => ({ ...s, scope: s.scope as Scope, event: s.event as LiveEvent }));

  const alongsideOf = (checked: readonly Checked[]) => [webhookDeliveriesInsert(checked), noticeInsert(checked)].filter((st) => st !== null);

  /** Stages the checked events (with `alongside` in the same statement). */
  const stage = async (db: Db, checked: readonly Checked[], alongside: Parameters<typeof stageEvents>[2] = []): Promise<Staged[]> => {
    const rowIds = await stageEvents(db, checked.map((c) => ({ ...c, type: c.event.type })), alongside);
    return rowIds.map((ids) => ({ rowIds: ids }));
  };

  async function storeMany(trx: Db, events: readonly ToStore[]): Promise<Staged[]> {
    const checked = check(events);
    // The same events for the outbound webhooks, in the caller's transaction (webhook-capture.ts).
    await captureWebhookEvents(trx, checked);
    // And those that may notify someone, for the notices (notice-capture.ts).
    await captureNoticeEvents(trx, checked.filter((c) => c.notify));
    return stage(trx, checked);
  }

  /**
   * One event in the caller's transaction (a handover's, a driver's stop report's): one statement
   * stages it with its webhook deliveries and its notice. Its seqs are taken by the COMMIT: taken
   * here, they locked each scope's counter until the caller sent its COMMIT, and every other
   * publisher to the scope waited that long; the dispatch scope's, every stop's (issue #21).
   */
  function storeOne(trx: Db, scopes: readonly Scope[], event: LiveEvent): Promise<Staged[]> {
    const checked = check([{ scopes, event }]);
    return stage(trx, checked, alongsideOf(checked));
  }

  /**
   * `publish`: one statement takes the event's webhook deliveries, its notice, its seqs and its rows,
   * atomic by itself, instead of a transaction of four or five round trips; its counters are locked
   * only while it runs. The webhook body is made whether or not an endpoint wants it (one small JSON
   * text; the statement inserts it only for the endpoints subscribed). Under the district day's load
   * every round trip waits for a pooled connection and every commit for its WAL flush: a morning's
   * thousand pass steps each published once (issue #21).
   */
  async function publishOne(scopes: readonly Scope[], event: LiveEvent): Promise<Envelope[]> {
    const checked = check([{ scopes, event }]);
    const stored = await appendEvents(deps.db, checked.map((c) => ({ ...c, type: c.event.type })), alongsideOf(checked));
    return stored.flatMap((envelopes) => envelopesOf(envelopes));
  }

  // One message per scope: each carries its own scope's seq. Same connection, so XADDs keep this order.
  const send = (envelopes: readonly Envelope[]) => Promise.all(envelopes.map((e) => deps.stream.broadcast([e.scope], ENVELOPE_EVENT, e)));

  // A client sees a hole only when a later event of its scope comes; a scope's last event lost to a
  // Redis outage would not reach its sockets until then (district-day bench: a chief's gate event
  // 42 s late after the Redis restart, one never). So failed fan-outs are sent again until Redis
  // answers; a client ignores a seq it has (at-least-once, like the stream itself).
  const held: Envelope[] = [];
  let retry: NodeJS.Timeout | undefined;
  const hold = (envelopes: readonly Envelope[]) => {
    held.push(...envelopes);
    if (held.length > MAX_HELD_ENVELOPES) held.splice(0, held.length - MAX_HELD_ENVELOPES);
    if (retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      const again = held.splice(0);
      send(again).then(
        () => deps.logger.info({ events: again.length }, 'live fan-out sent after a failure'),
        () => hold(again),
      );
    }, deps.fanOutRetryMs ?? 1000);
    retry.unref();
  };

  async function fanOut(envelopes: readonly Envelope[]): Promise<void> {
    try {
      await send(envelopes);
    } catch (err) {
      // Stored already: sent again shortly; meanwhile clients fill a hole they see with `resume`.
      deps.logger.warn({ err, eventId: envelopes[0]?.id }, 'live fan-out failed; event stored, sent again once Redis answers');
      hold(envelopes);
    }
  }

  /** Reads back the staged events, numbered by their commit, and sends them; returns what it sent. Never rejects. */
  async function release(staged: readonly Staged[]): Promise<Envelope[]> {
    let envelopes: Envelope[];
    try {
      envelopes = envelopesOf(await takeNumbered(deps.db, staged.flatMap((s) => s.rowIds)));
    } catch (err) {
      deps.logger.warn({ err, events: staged.length }, 'live events stored but not read back to send; clients resume');
      return [];
    }
    if (envelopes.length) await fanOut(envelopes);
    return envelopes;
  }

  return {
    store: storeOne,
    storeMany,
    release,
    fanOut,
    async publish(scopes, event) {
      const envelopes = await publishOne(scopes, event);
      await fanOut(envelopes);
      return envelopes;
    },
    disconnectSession: (sessionId) => deps.stream.disconnect([`session:${sessionId}`]),
    disconnectUser: (userId) => deps.stream.disconnect([`user:${userId}`]),
  };
}

export interface ReplayDeps {
  db: Db;
}

/**
 * What a client missed in one scope since `sinceSeq`, in order; or `snapshot-required` when more
 * than `maxReplay` events are missing or the oldest missing ones were pruned.
 */
export async function replay(deps: ReplayDeps, scope: Scope, sinceSeq: number, maxReplay: number): Promise<ReplayResult> {
  const latest = await latestSeq(deps.db, scope);
  if (sinceSeq >= latest) return { kind: 'events', events: [], latestSeq: latest };
  if (latest - sinceSeq > maxReplay) return { kind: 'snapshot-required', latestSeq: latest };
  const rows = await eventsSince(deps.db, scope, sinceSeq, maxReplay);
  if (rows[0]?.seq !== sinceSeq + 1) return { kind: 'snapshot-required', latestSeq: latest };
  const events = rows.map((r) => ({ ...r, scope, event: r.event as LiveEvent }));
  return { kind: 'events', events, latestSeq: Math.max(latest, events.at(-1)?.seq ?? 0) };
}

/** The last seq of a scope (0 if none): what a fresh subscriber starts from. */
export function latestSeqOf(deps: ReplayDeps, scope: Scope): Promise<number> {
  return latestSeq(deps.db, scope);
}

/** Deletes stored events older than `before` (sequence counters stay); returns how many. */
export function pruneLiveEvents(deps: ReplayDeps, before: Date): Promise<number> {
  return pruneEvents(deps.db, before);
}
