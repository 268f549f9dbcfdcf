/**
 * What `npm start` runs (src/main.ts is only its entry point): open and migrate the database, make
 * sure Redis answers, seed the demo district on an empty database, serve the API (one process, or a
 * cluster sharing the port), and, with WORKERS=inline, run the workers once, in this process.
 * A start-up that fails part way undoes what it started (a redis-server it started, API processes,
 * workers, connections) before it throws, so nothing is left running.
 */
import type { ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { WorkerRuntime } from '../workers/runtime';
import { startApiCluster } from './api-cluster';
import { clusterExposition, serveClusterMetrics } from './cluster-metrics';
import type { DemoLogin } from './demo/demo-district.seed';
import { driverLimitsOf } from './services/fleet/roster-settings';
import { createApiOps, type AppOps } from './http/ops';
import { trackRequests } from './http/drain';
import { inheritedFds, listenInherited } from './http/shared-port';
import { timeFanout } from './live/fanout-timing';
import { createProducerRedis } from './queue/redis';
import { ensureRedis } from './redis-autostart';
import { systemClock } from './shared/clock';
import type { Logger } from './shared/logger';
import { createMetrics, type Metrics } from './shared/metrics';
import { createReadiness } from './services/ops/readiness.service';
import { asDatabaseFailure, listenOrExplain, redisUnavailable } from './startup-errors';
import { migrateToLatest, openDatabase, type Database } from './store/db';

/** Time the requests in flight at SIGTERM get to be answered; then their connections are cut. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The API's modules (the app, live updates, queues) load when the API is served, the demo seed and
 * the workers when they run: a start that stops before (database or Redis away) and a cluster's
 * primary, which serves no requests, do without them. Loading them through tsx costs a process
 * about 2 s of CPU; the start-up and fault tests spawn dozens of processes.
 */
const apiModules = async () => {
  const [app, server, live, producers, retention, passes] = await Promise.all([
    import('./http/app'), import('./http/server'), import('./live/runtime'), import('./queue/producers'),
    import('./services/maintenance/retention.service'), import('./services/passes/pass-sweep.service'),
  ]);
  return { ...app, ...server, ...live, ...producers, ...retention, ...passes };
};

/** Opens the configured database; an unreachable or misconfigured one is a one-line StartupError. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  try {
    return await openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  } catch (err) {
    throw asDatabaseFailure(err, config.DATABASE_URL);
  }
}

export interface RunningApi {
  port: number;
  /** Its metrics and readiness (the inline workers record into the one and add their check to the other). */
  ops: AppOps;
  /**
   * Stops accepting (live sockets closed, listener closed, idle keep-alive connections closed) and
   * answers the requests in flight with `Connection: close`, within SHUTDOWN_GRACE_MS. The need-status
   * relay keeps publishing.
   */
  drain(): Promise<void>;
  /** drain(), then publishes what the last requests committed, stops the relay, closes the database. */
  stop(): Promise<void>;
}

/** A producer connection, once ready: it does not queue commands while connecting. */
async function readyProducerRedis(config: Config): Promise<Redis> {
  const redis = createProducerRedis(config.REDIS_URL);
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.disconnect();
        reject(redisUnavailable(config.REDIS_URL, 'not ready within 10 s'));
      }, 10_000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return redis;
}

/**
 * A cluster's need status relay, in its primary. In the API processes it waited behind their
 * requests: under the intake bench's load a need's 2xx to its event on a unit chief's socket took
 * p99 182 ms, the relay's part alone 107 ms; here no request competes with it. Returns its stop:
 * call it once the API processes have stopped, so it publishes what their last requests committed.
 */
async function relayFromPrimary(config: Config, logger: Logger, database: Database): Promise<() => Promise<void>> {
  const redis = await readyProducerRedis(config);
  const { createProcessPublisher, startStatusRelay } = await import('./live/runtime');
  const publisher = createProcessPublisher({ db: database.db, redis, clock: systemClock, logger, streamName: config.LIVE_STREAM_NAME });
  const stop = startStatusRelay({ db: database.db, database, publisher, logger, config });
  return async () => {
    await stop();
    redis.disconnect();
  };
}

/**
 * Serves the API on `database` (one API process). `relay: false` in the processes of a cluster: its
 * primary relays need status changes (see `relayFromPrimary`).
 */
export async function serveApi(config: Config, logger: Logger, database: Database, options: { relay: boolean } = { relay: true }): Promise<RunningApi> {
  const redis = await readyProducerRedis(config);
  const { buildApp, createAppServer, createProcessPublisher, createProducers, startLive, startPassLoops, startRetentionCleanup, startStatusRelay } = await apiModules();
  const live = createProcessPublisher({ db: database.db, redis, clock: systemClock, logger, streamName: config.LIVE_STREAM_NAME });
  // Rounds go on the queues the workers serve (their QUEUE_PREFIX).
  const queue = createProducers({ redis, prefix: config.QUEUE_PREFIX });
  const ops = createApiOps({ database, redis });
  // An API process of a cluster answers /metrics for the whole cluster (cluster-metrics.ts).
  if (cluster.isWorker) ops.exposition = clusterExposition(ops.metrics.registry);
  const app = buildApp({ config, db: database.db, database, logger, clock: systemClock, redis, live, queue, ops });
  // Not app.listen: Express 5 hands a listen error to its callback, which then found no address.
  const server = createAppServer(app);
  const requests = trackRequests(server);
  // In a cluster, the port's descriptors the primary handed down (http/shared-port.ts).
  let shared: { close(): void } | undefined;
  try {
    const fds = inheritedFds();
    if (fds > 0) shared = await listenInherited(server, fds, config.PORT, config.HOST);
    else await listenOrExplain(server, config.PORT, config.HOST);
  } catch (err) {
    await queue.close();
    redis.disconnect();
    throw err;
  }
  // Socket.IO on the same HTTP server (path /socket.io, WebSocket transport).
  const liveServer = startLive(server, { db: database.db, redisUrl: config.REDIS_URL, publisher: live, logger, clock: systemClock, config });
  ops.metrics.bind({ liveSockets: () => liveServer.live.io.engine.clientsCount });
  timeFanout(liveServer.live.io, (seconds) => ops.metrics.liveFanout.observe(seconds));
  const stopRelay = options.relay ? startStatusRelay({ db: database.db, database, publisher: live, logger, config }) : undefined;
  // Overdue passes, expiries and emergency retries (safe in every API process).
  const stopPassLoops = startPassLoops({ db: database.db, clock: systemClock, logger, live });
  // Idempotency keys past IDEMPOTENCY_TTL_HOURS and ended sessions (safe in every API process).
  const stopKeyCleanup = startRetentionCleanup({ db: database.db, clock: systemClock, logger, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  // Keep-alive sockets outlive load balancers' idle timeouts, not the other way round.
  server.keepAliveTimeout = 65_000;
  let drained: Promise<void> | undefined;
  const drain = () =>
    (drained ??= (async () => {
      stopPassLoops();
      stopKeyCleanup();
      shared?.close();
      // Closing the sockets closes the listener too; it resolves once the last connection is gone.
      const closed = liveServer.close();
      const cut = await requests.drain(SHUTDOWN_GRACE_MS);
      if (cut > 0) logger.warn({ cut }, 'requests still running at the end of the grace period were cut');
      // Requests that slipped in before the listener closed got `Connection: close` too.
      const late = setTimeout(() => server.closeAllConnections(), 1_000);
      await closed;
      clearTimeout(late);
    })());
  return {
    port: (server.address() as AddressInfo).port,
    ops,
    drain,
    async stop() {
      await drain();
      await stopRelay?.();
      await queue.close();
      redis.disconnect();
      await database.close();
    },
  };
}

export interface RunningService {
  url: string;
  /** Demo logins, when this start seeded the demo district. */
  logins?: DemoLogin[];
  /**
   * Stops taking requests and answers those in flight, then stops the workers (their active jobs
   * finish; the outbox relay publishes what the last requests committed), then the API's relay and
   * database, then a Redis started for the session.
   */
  stop(): Promise<void>;
}

/** Starts the whole service in the primary process (see the file comment). */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  // What is running so far, undone if a later step fails.
  let database: Database | undefined;
  let redisChild: ChildProcess | undefined;
  let api: Pick<RunningApi, 'port' | 'drain' | 'stop'> | undefined;
  // The registry the inline workers record into: the API's, or in a cluster the primary's own, which
  // the API processes merge into their answers (cluster-metrics.ts).
  let single: AppOps | undefined;
  let metrics: Metrics;
  try {
    const opened = (database = await openConfiguredDatabase(config));
    try {
      await migrateToLatest(opened);
    } catch (err) {
      throw asDatabaseFailure(err, config.DATABASE_URL);
    }
    logger.info({ database: opened.kind, schema: opened.schema }, 'database migrated');
    redisChild = await ensureRedis(config.REDIS_URL, config.REDIS_AUTOSTART, logger);
    let logins: DemoLogin[] | undefined;
    if (config.DEMO_SEED) {
      const { seedDemoDistrict } = await import('./demo/demo-district.seed');
      const seed = await seedDemoDistrict({
        db: opened.db, clock: systemClock, foodCycleDays: config.FOOD_CYCLE_DAYS, roster: { limits: driverLimitsOf(config), timeZone: config.ROSTER_TIME_ZONE },
      });
      if (seed.seeded) {
        logger.info({ households: seed.households, needs: seed.needs }, 'demo district seeded');
        logins = seed.logins;
      }
    }

    const processes = opened.kind === 'pglite' ? 1 : config.API_PROCESSES;
    if (processes !== config.API_PROCESSES) logger.warn('PGlite is one process: API_PROCESSES ignored (set DATABASE_URL for several)');
    if (processes === 1) {
      // From here the API owns the database (its stop closes it).
      const served = await serveApi(config, logger, opened);
      api = served;
      single = served.ops;
      metrics = served.ops.metrics;
    } else {
      metrics = createMetrics();
      serveClusterMetrics(metrics.registry);
      // Each API process opens its own pool; this one's serves the need status relay, here.
      const cluster = await startApiCluster(processes, logger, SHUTDOWN_GRACE_MS, { port: config.PORT, host: config.HOST });
      const stopRelay = await relayFromPrimary(config, logger, opened).catch(async (err: unknown) => {
        await cluster.stop();
        throw err;
      });
      // The relay stops after the API processes, publishing what their last requests committed.
      database = undefined;
      api = {
        port: cluster.port,
        drain: cluster.stop,
        stop: async () => {
          await cluster.stop();
          await stopRelay();
          await opened.close();
        },
      };
    }

    // The workers run here, once, whatever API_PROCESSES is. PGlite's one connection is shared with
    // the API; on PostgreSQL they open their own pool, exactly as `npm run workers` does.
    const workers: WorkerRuntime | undefined = config.WORKERS === 'inline'
      ? await (await import('../workers/runtime')).startWorkerRuntime(config, logger.child({ module: 'workers' }), opened.kind === 'pglite' ? opened : undefined, { metrics })
      : undefined;
    // In one process the API's /readyz also asks the workers it runs; a cluster's primary has no
    // port, so its workers' check is a gauge of its registry, merged into every scrape.
    const readiness = single?.readiness ?? createReadiness();
    if (workers) readiness.add('workers', () => workers.heartbeat());
    if (!single) metrics.bind({ readiness: () => readiness.snapshot() });
    const running = api;
    const child = redisChild;
    const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${running.port}`;
    logger.info({ url, processes, workers: config.WORKERS }, `Cordon API listening on ${url} (OpenAPI: ${url}/api/openapi.json)`);
    return {
      url,
      ...(logins ? { logins } : {}),
      async stop() {
        // Requests first: what they commit must still reach the outbox relay (in the workers) and the
        // need-status relay (in the API), which stop after them.
        await running.drain();
        await workers?.close();
        await running.stop();
        child?.kill();
      },
    };
  } catch (err) {
    await (api ? api.stop() : database?.close())?.catch(() => undefined);
    redisChild?.kill();
    throw err;
  }
}
