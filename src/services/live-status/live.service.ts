/**
 * Publishing live events: store first (per-scope seq in PostgreSQL), then fan out through the
 * Redis stream every Socket.IO server reads. Used alike by API services and workers: nothing here
 * needs a Socket.IO server.
 */
import { randomUUID } from 'node:crypto';
import { liveEventSchema, type Envelope, type LiveEvent, type Scope } from '../../contracts/events';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { appendEvents, eventsSince, latestSeq, pruneEvents } from '../../store/event.repository';
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
  /** Stores only, in the caller's transaction; call `fanOut` with the result after commit. */
  store(trx: Db, scopes: readonly Scope[], event: LiveEvent): Promise<Envelope[]>;
  /**
   * `store` for many events at once (two statements whatever their number); envelopes in event order.
   * `notify: false`: the event is not one anyone is told of by notice (notice-capture.ts), whatever its type.
   */
  storeMany(trx: Db, events: readonly ToStore[]): Promise<Envelope[]>;
  /**
   * Pushes stored envelopes to their scopes' clients. Every command is issued before this returns
   * (on the publisher's one connection), so a later call's messages follow these in the stream.
   * Never rejects: a failure is logged and the envelopes are sent again until Redis answers.
   */
  fanOut(envelopes: readonly Envelope[]): Promise<void>;
  /** Disconnects every socket of a session, on every server (call it when the session is revoked). */
  disconnectSession(sessionId: string): Promise<void>;
  /** Disconnects every socket of every session of a user (all their sessions revoked). */
  disconnectUser(userId: string): Promise<void>;
}

/** An event to store, in its scopes. */
export interface ToStore { scopes: readonly Scope[]; event: LiveEvent; notify?: boolean }

export function createLivePublisher(deps: LivePublisherDeps): LivePublisher {
  type Checked = { scopes: readonly Scope[]; event: LiveEvent; id: string; at: Date; notify: boolean };

  // Strict schemas: an event carrying an extra (possibly medical) field is refused here, not shipped.
  const check = (events: readonly ToStore[]): Checked[] => {
    const at = deps.clock.now();
    return events.map((e) => ({ scopes: e.scopes, event: liveEventSchema.parse(e.event), id: randomUUID(), at, notify: e.notify ?? true }));
  };

  /** Stores the checked events' seqs and rows (with `alongside` in the same statement); their envelopes in event order. */
  const append = async (db: Db, checked: readonly Checked[], alongside: Parameters<typeof appendEvents>[2] = []): Promise<Envelope[]> => {
    const stored = await appendEvents(db, checked.map((c) => ({ ...c, type: c.event.type })), alongside);
    return stored.flatMap((envelopes, i) => envelopes.map((s) => ({ ...s, scope: s.scope as Scope, event: checked[i]!.event })));
  };

  async function storeMany(trx: Db, events: readonly ToStore[]): Promise<Envelope[]> {
    const checked = check(events);
    // The same events for the outbound webhooks, in the caller's transaction (webhook-capture.ts).
    await captureWebhookEvents(trx, checked);
    // And those that may notify someone, for the notices (notice-capture.ts).
    await captureNoticeEvents(trx, checked.filter((c) => c.notify));
    // Seqs last: taking them locks each scope's counter until the caller commits, and every other
    // publisher to that scope (the dispatch scope: all of them) waits that long (issue #21).
    return append(trx, checked);
  }

  /**
   * One event: one statement takes its webhook deliveries, its notice, its seqs and its rows, on its
   * own (`publish`, atomic by itself, instead of a transaction of four or five round trips) or in the
   * caller's transaction (`store`: a handover's, a driver's stop report's). The webhook body is made
   * whether or not an endpoint wants it (one small JSON text; the statement inserts it only for the
   * endpoints subscribed). Under the district day's load every round trip waits for a pooled
   * connection and every commit for its WAL flush: a morning's thousand pass steps each published
   * once, the day's handovers each stored with its stop (issue #21).
   */
  function storeOne(db: Db, scopes: readonly Scope[], event: LiveEvent): Promise<Envelope[]> {
    const checked = check([{ scopes, event }]);
    return append(db, checked, [webhookDeliveriesInsert(checked), noticeInsert(checked)].filter((s) => s !== null));
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

  return {
    store: storeOne,
    storeMany,
    fanOut,
    async publish(scopes, event) {
      const envelopes = await storeOne(deps.db, scopes, event);
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
