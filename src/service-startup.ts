/**
 * What `npm start` runs (src/main.ts is only its entry point): open and migrate the database, make
 * sure Redis answers, seed the demo district on an empty database, serve the API (one process, or a
 * cluster sharing the port), and, with WORKERS=inline, run the workers once, in this process.
 */
import cluster from 'node:cluster';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import { startWorkerRuntime, type WorkerRuntime } from '../workers/runtime';
import type { WorkerSettings } from '../workers/settings';
import { seedDemoDistrict, type DemoLogin } from './demo/demo-district.seed';
import { buildApp } from './http/app';
import { createProcessPublisher, startLive } from './live/runtime';
import { createProducers } from './queue/producers';
import { createProducerRedis } from './queue/redis';
import { startRetentionCleanup } from './services/retention.service';
import { startPassLoops } from './services/pass-sweep.service';
import { ensureRedis } from './redis-autostart';
import { systemClock } from './shared/clock';
import type { Logger } from './shared/logger';
import { migrateToLatest, openDatabase, type Database } from './store/db';

export const openConfiguredDatabase = (config: Config): Promise<Database> =>
  openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });

export interface RunningApi {
  port: number;
  /** Closes the live sockets and the HTTP server, then the database. */
  stop(): Promise<void>;
}

/** Serves the API on `database` (one API process). */
export async function serveApi(config: Config, settings: WorkerSettings, logger: Logger, database: Database): Promise<RunningApi> {
  const redis: Redis = createProducerRedis(config.REDIS_URL);
  // The producer connection does not queue commands while connecting: wait until it is ready.
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis at ${config.REDIS_URL} not ready after 10 s`)), 10_000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  const live = createProcessPublisher({ db: database.db, redis, clock: systemClock, logger });
  // Rounds go on the queues the workers serve (their QUEUE_PREFIX).
  const queue = createProducers({ redis, prefix: settings.QUEUE_PREFIX });
  const app = buildApp({ config, db: database.db, database, logger, clock: systemClock, redis, live, queue });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  // Socket.IO on the same HTTP server (path /socket.io, WebSocket transport).
  const liveServer = startLive(server, { db: database.db, database, redisUrl: config.REDIS_URL, publisher: live, logger, clock: systemClock, config });
  // Overdue passes, expiries and emergency retries (safe in every API process).
  const stopPassLoops = startPassLoops({ db: database.db, clock: systemClock, logger, live });
  // Idempotency keys past IDEMPOTENCY_TTL_HOURS and ended sessions (safe in every API process).
  const stopKeyCleanup = startRetentionCleanup({ db: database.db, clock: systemClock, logger, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  // Keep-alive sockets outlive load balancers' idle timeouts, not the other way round.
  server.keepAliveTimeout = 65_000;
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      // Closes the live sockets (they reconnect to another process and recover) and the HTTP server.
      stopPassLoops();
      stopKeyCleanup();
      await liveServer.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
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
  /** Stops the workers (active jobs finish), then the API, then a Redis started for the session. */
  stop(): Promise<void>;
}

/** Starts the whole service in the primary process (see the file comment). */
export async function startService(config: Config, settings: WorkerSettings, logger: Logger): Promise<RunningService> {
  const database = await openConfiguredDatabase(config);
  await migrateToLatest(database);
  logger.info({ database: database.kind, schema: database.schema }, 'database migrated');
  let redisChild: ChildProcess | undefined;
  try {
    redisChild = await ensureRedis(config.REDIS_URL, config.REDIS_AUTOSTART, logger);
  } catch (err) {
    await database.close();
    throw err;
  }
  let logins: DemoLogin[] | undefined;
  if (config.DEMO_SEED) {
    const seed = await seedDemoDistrict({ db: database.db, clock: systemClock, foodCycleDays: config.FOOD_CYCLE_DAYS });
    if (seed.seeded) {
      logger.info({ households: seed.households, needs: seed.needs }, 'demo district seeded');
      logins = seed.logins;
    }
  }

  const processes = database.kind === 'pglite' ? 1 : config.API_PROCESSES;
  if (processes !== config.API_PROCESSES) logger.warn('PGlite is one process: API_PROCESSES ignored (set DATABASE_URL for several)');
  let port = config.PORT;
  let stopApi: () => Promise<void>;
  if (processes === 1) {
    const api = await serveApi(config, settings, logger, database);
    port = api.port;
    stopApi = api.stop;
  } else {
    await database.close();
    for (let i = 0; i < processes; i++) cluster.fork();
    cluster.on('exit', (worker, code) => logger.warn({ pid: worker.process.pid, code }, 'API process exited'));
    stopApi = async () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
  }

  // The workers run here, once, whatever API_PROCESSES is. PGlite's one connection is shared with
  // the API; on PostgreSQL they open their own pool, exactly as `npm run workers` does.
  let workers: WorkerRuntime | undefined;
  if (config.WORKERS === 'inline') {
    try {
      workers = await startWorkerRuntime(config, settings, logger.child({ module: 'workers' }), database.kind === 'pglite' ? database : undefined);
    } catch (err) {
      await stopApi();
      redisChild?.kill();
      throw err;
    }
  }
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  logger.info({ url, processes, workers: config.WORKERS }, `Cordon API listening on ${url} (OpenAPI: ${url}/api/openapi.json)`);
  return {
    url,
    ...(logins ? { logins } : {}),
    async stop() {
      // Workers first: their active jobs may still need the database the API closes.
      await workers?.close();
      await stopApi();
      redisChild?.kill();
    },
  };
}
