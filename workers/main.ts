/**
 * `npm run workers`: the BullMQ workers of one process. Add processes (on this machine or others,
 * same REDIS_URL and DATABASE_URL) to spread the sub-problems of every round.
 * Its probes and metrics (GET /healthz, /readyz, /metrics) listen on WORKER_PROBE_PORT first, so a
 * port in use stops the start before any worker runs; /readyz says 503 until the workers take jobs.
 * SIGTERM/SIGINT: stop taking jobs, let the active ones finish, close, exit 0; at the latest
 * STOP_DEADLINE_MS after the signal (a close waiting on a Redis that is away never ended), and at
 * once on a second signal. A job cut that way is retaken by another worker once its lock expires.
 */
import { loadConfig } from '../config/config';
import { addDependencyChecks, createReadiness } from '../src/services/ops/readiness.service';
import { createLogger } from '../src/shared/logger';
import { createMetrics } from '../src/shared/metrics';
import { StartupError } from '../src/startup-errors';
import { startProbeServer, type ProbeServer } from './probe-server';
import { startWorkerRuntime } from './runtime';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (err) {
  // No logger yet: the message names the bad variables (values are not echoed).
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const logger = createLogger({ level: config.LOG_LEVEL, base: { proc: 'workers' } });

if (!config.DATABASE_URL) {
  // Embedded PGlite is one connection in one process: `npm start` runs the workers inside it (WORKERS=inline).
  process.stderr.write('DATABASE_URL is not set, and separate workers need PostgreSQL: set DATABASE_URL, or let `npm start` run them (WORKERS=inline) with embedded PGlite\n');
  process.exit(1);
}

let runtime: Awaited<ReturnType<typeof startWorkerRuntime>> | undefined;
let probes: ProbeServer | undefined;
const metrics = createMetrics();
const readiness = createReadiness();
readiness.add('workers', () => (runtime ? runtime.heartbeat() : Promise.reject(new Error('starting'))));
metrics.bind({ readiness: () => readiness.snapshot(), pool: () => runtime?.database.poolStats() });
try {
  if (config.WORKER_PROBE_PORT !== null) {
    probes = await startProbeServer({ port: config.WORKER_PROBE_PORT, host: config.HOST, readiness, metrics, metricsToken: config.METRICS_TOKEN, logger });
    logger.info({ port: probes.port }, `workers' probes and metrics on port ${probes.port} (/healthz, /readyz, /metrics)`);
  }
  runtime = await startWorkerRuntime(config, logger, undefined, { metrics });
  const started = runtime;
  addDependencyChecks(readiness, {
    database: started.database,
    redisPing: async () => {
      if (!started.redisReady()) throw new Error('Redis connection down');
    },
  });
} catch (err) {
  await probes?.close();
  // Database or Redis away: one line naming the setting and the fix.
  if (err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(err.exitCode);
  }
  logger.fatal({ err }, 'workers could not start');
  process.exit(1);
}

/** Longer than a round's sub-problem solves take; orchestrators usually SIGKILL well before. */
const STOP_DEADLINE_MS = 5 * 60_000;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing active jobs');
  setTimeout(() => {
    logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'stop did not finish in time (is Redis or the database away?); exiting');
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  try {
    await runtime?.close();
    await probes?.close();
    logger.info('workers stopped cleanly');
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
