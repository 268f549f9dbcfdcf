/**
 * Live status in an API process, in one call from service-startup.ts: the Socket.IO server on the
 * API's HTTP server (real sessions, scope directory from the database, driver tracking), the
 * publisher the process's services use and the pruning of old stored events. The relay of need
 * status changes (`startStatusRelay`) runs once per service: in the API process, or in a cluster's
 * primary, whose event loop no request competes for.
 */
import type { Server as HttpServer } from 'node:http';
import { Redis } from 'ioredis';
import { createAuditService } from '../services/access/audit.service';
import { createAuthService } from '../services/access/auth.service';
import { createLiveDirectory, createRoundTracking } from '../services/live-status/live-directory.service';
import { createLiveStream } from '../services/live-status/live-stream';
import { createLivePublisher, pruneLiveEvents, type LivePublisher } from '../services/live-status/live.service';
import { relayNeedStatusOnce, startNeedStatusRelay } from '../services/needs/need-status-relay.service';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Database, Db } from '../store/db';
import { attachLive, type Live } from './server';
import type { LiveOptions } from './types';

export interface LiveRuntimeDeps {
  db: Db;
  /** Redis URL: the adapter gets its own connection that waits out an outage (a fail-fast one would spin). */
  redisUrl: string;
  /** The process's publisher (see `createProcessPublisher`), also handed to the API's services. */
  publisher: LivePublisher;
  logger: Logger;
  clock: Clock;
  /** LIVE_STREAM_NAME: the stream this server reads, the one every publisher of the deployment writes (workers included). */
  config: { SESSION_TTL_HOURS: number; LIVE_STREAM_NAME: string };
  options?: LiveOptions & {
    /** Stored events older than this are deleted (clients further behind get `snapshot-required`). Default 7 days. */
    retentionHours?: number;
  };
}

export interface LiveRuntime {
  live: Live;
  /**
   * Disconnects the sockets (clients reconnect to another process, or after a restart, and resume)
   * and closes the HTTP server they share: it stops listening at once, and this resolves once its
   * last connection is gone.
   */
  close(): Promise<void>;
}

/**
 * The publisher of one process: store + Redis stream on the given (fail-fast) connection.
 * `streamName`: LIVE_STREAM_NAME, the stream the deployment's Socket.IO servers read (see `startLive`).
 */
export function createProcessPublisher(deps: { db: Db; redis: Redis; clock: Clock; logger: Logger; streamName: string }): LivePublisher {
  return createLivePublisher({
    db: deps.db,
    stream: createLiveStream(deps.redis, { streamName: deps.streamName }),
    clock: deps.clock,
    logger: deps.logger.child({ module: 'live' }),
  });
}

const LAST_PASS_BATCH = 500;

export function startLive(httpServer: HttpServer, deps: LiveRuntimeDeps): LiveRuntime {
  const db = deps.db;
  const logger = deps.logger.child({ module: 'live' });
  const publisher = deps.publisher;
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(100 * 2 ** n, 2000) });
  redis.on('error', (err) => logger.debug({ err }, 'live redis'));
  const audit = createAuditService({ db: deps.db });
  const auth = createAuthService({ db: deps.db, clock: deps.clock, config: deps.config, audit });
  const live = attachLive(httpServer, {
    authenticate: (token) => auth.authenticateToken(token),
    directory: createLiveDirectory(deps.db),
    audit,
    tracking: createRoundTracking({ db: deps.db, publisher, clock: deps.clock }),
    db,
    redis,
    logger,
    // The deployment's stream, as the workers publish to it: with any other, their round progress and
    // proposals reach no browser; and two deployments (or test files) sharing a Redis and a stream
    // see each other's events, whose seqs (another database's) make a page drop its own.
    options: { streamName: deps.config.LIVE_STREAM_NAME, ...deps.options },
  });
  const retentionMs = (deps.options?.retentionHours ?? 24 * 7) * 3_600_000;
  // Every process prunes; the delete is idempotent and cheap with the created_at index.
  const pruning = setInterval(() => {
    pruneLiveEvents({ db }, new Date(deps.clock.now().getTime() - retentionMs)).catch((err: unknown) => logger.warn({ err }, 'live event pruning failed'));
  }, 3_600_000);
  pruning.unref();
  return {
    live,
    close: async () => {
      clearInterval(pruning);
      await live.close();
      redis.disconnect();
    },
  };
}

export interface StatusRelayDeps {
  db: Db;
  publisher: LivePublisher;
  logger: Logger;
  config: { NEED_STATUS_POLL_MS?: number };
  /** The database whose NOTIFY wakes the relay at each change's commit; without it the relay only polls. */
  database?: Database;
}

/**
 * The need status relay: every change, whoever committed it (API, workers), goes out from here.
 * Returns `stop`, which publishes whatever is still pending: call it once nothing more can commit.
 */
export function startStatusRelay(deps: StatusRelayDeps): () => Promise<void> {
  const logger = deps.logger.child({ module: 'live' });
  const relayDeps = { db: deps.db, publisher: deps.publisher, logger };
  const stopNeedRelay = startNeedStatusRelay(relayDeps, {
    ...(deps.database ? { listen: deps.database } : {}),
    ...(deps.config.NEED_STATUS_POLL_MS ? { idlePollMs: deps.config.NEED_STATUS_POLL_MS } : {}),
  });
  return async () => {
    await stopNeedRelay();
    // The loop ends without a last pass when stopped during its idle pause: take what committed
    // since. A part batch means nothing of ours was left; other processes' changes are their relays'.
    try {
      for (let pass = 0; pass < 20; pass++) {
        if ((await relayNeedStatusOnce(relayDeps, LAST_PASS_BATCH)) < LAST_PASS_BATCH) break;
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'need status relay: last pass failed; the next start publishes the rest');
    }
  };
}
