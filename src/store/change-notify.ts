/**
 * Wake-ups for the relays: the triggers that note a need status change or an outbox event call
 * `pg_notify` (migration 0014), which PostgreSQL delivers after the writer commits. A listener
 * runs `onNotify` then, so a relay publishes at once instead of at its next poll. Notifications are
 * hints, not data: one may be lost while the connection is down, so every (re)connection also calls
 * `onNotify` (whatever committed meanwhile is taken), and the relays keep polling as a fallback.
 */
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from '../shared/logger';
import { changeChannel, type ChangeTopic } from './change-channel';
import type { Database } from './db';

export { changeChannel, type ChangeTopic };

/** Why `onNotify` runs: a change committed, or the listener (re)connected and may have missed some. */
export type WakeReason = 'notification' | 'listening';
export type OnNotify = (why: WakeReason) => void;

export interface ChangeListener {
  close(): Promise<void>;
}

export interface ListenOptions {
  logger?: Logger;
  /** First reconnection delay in ms, doubled per failed attempt up to 5 s. Default 100. */
  retryMs?: number;
}

const MAX_RETRY_MS = 5_000;

/**
 * Calls `onNotify` after each commit that noted a change of `topic` in the database's schema, and
 * once whenever the listener (re)connects. Never throws and never crashes the process: on
 * PostgreSQL it holds a connection of its own (LISTEN needs one for its whole life, outside the
 * pool) and reconnects with back-off when it drops; on PGlite it uses PGlite's `listen`.
 */
export function listenForChanges(database: Database, topic: ChangeTopic, onNotify: OnNotify, options: ListenOptions = {}): ChangeListener {
  const channel = changeChannel(topic, database.schema);
  const target = database.listenTarget;
  return 'url' in target
    ? listenOnPostgres(target.url, channel, onNotify, options)
    : listenOnPglite(target.lite, channel, onNotify, options.logger);
}

function listenOnPostgres(url: string, channel: string, onNotify: OnNotify, options: ListenOptions): ChangeListener {
  const firstRetryMs = options.retryMs ?? 100;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let stopped = false;

  const reconnectLater = (from: pg.Client) => {
    from.end().catch(() => undefined); // ending an ended client is harmless
    if (client !== from || stopped) return;
    client = undefined;
    const delay = Math.min(firstRetryMs * 2 ** failures++, MAX_RETRY_MS);
    retry = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: url, keepAlive: true, application_name: 'cordon-listen' });
    client = c;
    // Without an 'error' listener a dropped connection (server restart, pg_terminate_backend,
    // failover) would kill the process; here it only means: connect again.
    c.on('error', (err) => {
      options.logger?.warn({ err: err.message, channel }, 'change listener lost its connection; reconnecting');
      reconnectLater(c);
    });
    c.on('end', () => reconnectLater(c));
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify('notification');
    });
    try {
      await c.connect();
      await c.query(`listen ${c.escapeIdentifier(channel)}`);
    } catch (err) {
      options.logger?.warn({ err: (err as Error).message, channel }, 'change listener could not listen; retrying');
      reconnectLater(c);
      return;
    }
    if (client !== c) {
      // Closed (or dropped) while connecting.
      c.end().catch(() => undefined);
      return;
    }
    failures = 0;
    // Changes committed while nobody listened sent their notification to no one.
    onNotify('listening');
  };

  void connect();
  return {
    async close() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

function listenOnPglite(lite: PGlite, channel: string, onNotify: OnNotify, logger?: Logger): ChangeListener {
  let stopped = false;
  // Quoted: PGlite folds an unquoted channel name to lower case before it LISTENs.
  const listening = lite.listen(`"${channel}"`, () => onNotify('notification')).then(
    (unlisten) => {
      if (!stopped) onNotify('listening');
      return unlisten;
    },
    (err: unknown) => {
      logger?.warn({ err: (err as Error).message, channel }, 'change listener could not listen on PGlite; polling only');
      return undefined;
    },
  );
  return {
    async close() {
      stopped = true;
      const unlisten = await listening;
      // PGlite may already be closed (the database closes after its users): nothing left to stop.
      await unlisten?.().catch(() => undefined);
    },
  };
}
