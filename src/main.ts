/**
 * `npm start`: load the configuration, open the database (PostgreSQL when DATABASE_URL is set,
 * else PGlite under DATA_DIR) and migrate it, make sure Redis answers (starting a local one if
 * possible), seed the demo district on an empty database, then serve, in one process or, with
 * API_PROCESSES > 1 on PostgreSQL, in a cluster sharing the port. Stops cleanly on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config } from '../config/config';
import { seedDemoDistrict, type DemoLogin } from './demo/demo-district.seed';
import { buildApp } from './http/app';
import { createProcessPublisher, startLive } from './live/runtime';
import { createProducerRedis } from './queue/redis';
import { startIdempotencyCleanup } from './services/idempotency-retention.service';
import { startPassLoops } from './services/pass-sweep.service';
import { ensureRedis, RedisUnavailableError } from './redis-autostart';
import { systemClock } from './shared/clock';
import { createLogger, type Logger } from './shared/logger';
import { migrateToLatest, openDatabase, type Database } from './store/db';

const open = (config: Config): Promise<Database> =>
  openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });

function printLogins(logins: DemoLogin[], url: string): void {
  const lines = logins.map((l) => `  ${l.role.padEnd(16)} ${l.username.padEnd(16)} ${l.password}   (${l.scope})`);
  process.stdout.write(`\nDemo district seeded. Log in with POST ${url}/api/auth/login {"username","password"}:\n${lines.join('\n')}\n\n`);
}

/** Serves the API until a stop signal; returns a function that stops it. */
async function serve(config: Config, logger: Logger, database: Database): Promise<() => Promise<void>> {
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
  const app = buildApp({ config, db: database.db, database, logger, clock: systemClock, redis, live });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  // Socket.IO on the same HTTP server (path /socket.io, WebSocket transport).
  const liveServer = startLive(server, { db: database.db, redisUrl: config.REDIS_URL, publisher: live, logger, clock: systemClock, config });
  // Overdue passes, expiries and emergency retries (safe in every API process).
  const stopPassLoops = startPassLoops({ db: database.db, clock: systemClock, logger, live });
  // Idempotency keys past IDEMPOTENCY_TTL_HOURS (safe in every API process).
  const stopKeyCleanup = startIdempotencyCleanup({ db: database.db, clock: systemClock, logger, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  // Keep-alive sockets outlive load balancers' idle timeouts, not the other way round.
  server.keepAliveTimeout = 65_000;
  return async () => {
    // Closes the live sockets (they reconnect to another process and recover) and the HTTP server.
    stopPassLoops();
    stopKeyCleanup();
    await liveServer.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      setTimeout(() => server.closeAllConnections(), 5_000).unref();
    });
    redis.disconnect();
    await database.close();
  };
}

async function primary(config: Config, logger: Logger): Promise<void> {
  const database = await open(config);
  await migrateToLatest(database);
  logger.info({ database: database.kind, schema: database.schema }, 'database migrated');
  let redisChild: ChildProcess | undefined;
  try {
    redisChild = await ensureRedis(config.REDIS_URL, config.REDIS_AUTOSTART, logger);
  } catch (err) {
    await database.close();
    throw err;
  }
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  if (config.DEMO_SEED) {
    const seed = await seedDemoDistrict({ db: database.db, clock: systemClock });
    if (seed.seeded) {
      logger.info({ households: seed.households, needs: seed.needs }, 'demo district seeded');
      printLogins(seed.logins, url);
    }
  }

  const processes = database.kind === 'pglite' ? 1 : config.API_PROCESSES;
  if (processes !== config.API_PROCESSES) logger.warn('PGlite is one process: API_PROCESSES ignored (set DATABASE_URL for several)');
  let stop: () => Promise<void>;
  if (processes === 1) {
    stop = await serve(config, logger, database);
  } else {
    await database.close();
    for (let i = 0; i < processes; i++) cluster.fork();
    cluster.on('exit', (worker, code) => logger.warn({ pid: worker.process.pid, code }, 'API process exited'));
    stop = async () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
  }
  logger.info({ url, processes }, `Cordon API listening on ${url} (OpenAPI: ${url}/api/openapi.json)`);
  onStop(logger, async () => {
    await stop();
    redisChild?.kill();
  });
}

function onStop(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.LOG_LEVEL, base: { proc: cluster.isPrimary ? 'api' : 'api-worker' } });
  try {
    if (cluster.isPrimary) await primary(config, logger);
    else onStop(logger, await serve(config, logger, await open(config)));
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(`\n${err.message}\n`);
      process.exit(3);
    }
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

await main();
