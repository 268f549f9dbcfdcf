/**
 * `npm start`: load the configuration, then start the whole service (src/service-startup.ts):
 * database (PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR) migrated, Redis
 * answering, demo district seeded on an empty database, the API in one process or, with
 * API_PROCESSES > 1 on PostgreSQL, a cluster sharing the port, and (WORKERS=inline) the workers.
 * A start-up failure an operator can fix (port taken, database or Redis away) is one line on
 * stderr and a non-zero exit, with nothing left running.
 * SIGTERM/SIGINT: stop accepting, answer the requests in flight, let active jobs finish, publish
 * what they committed, exit; at the latest STOP_DEADLINE_MS after the signal. A second signal
 * (Ctrl-C twice) exits at once.
 */
import cluster from 'node:cluster';
import { loadConfig, type Config } from '../config/config';
import { reportToPrimary } from './api-cluster';
import type { DemoLogin } from './demo/demo-district.seed';
import { createLogger, type Logger } from './shared/logger';
import { openConfiguredDatabase, serveApi, SHUTDOWN_GRACE_MS, startService } from './service-startup';
import { StartupError } from './startup-errors';

/**
 * The whole stop: the requests' grace period, then active jobs and the relays. Under the 30 s
 * orchestrators usually allow before SIGKILL; a job cut here is retaken by another worker.
 */
const STOP_DEADLINE_MS = SHUTDOWN_GRACE_MS + 15_000;

function printLogins(logins: DemoLogin[], url: string): void {
  const lines = logins.map((l) => `  ${l.role.padEnd(16)} ${l.username.padEnd(16)} ${l.password}   (${l.scope})`);
  process.stdout.write(`\nDemo district seeded. Log in with POST ${url}/api/auth/login {"username","password"}:\n${lines.join('\n')}\n\n`);
}

function onStop(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      // Only the primary: an API process of a cluster gets Ctrl-C's SIGINT and then the primary's SIGTERM.
      if (!cluster.isPrimary) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'stop did not finish in time; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    stop().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
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
    if (!(err instanceof Error)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.LOG_LEVEL, base: { proc: cluster.isPrimary ? 'api' : 'api-worker' } });
  try {
    if (cluster.isPrimary) {
      const service = await startService(config, logger);
      if (service.logins) printLogins(service.logins, service.url);
      onStop(logger, service.stop);
    } else {
      // An API process of a cluster: the primary relays need status changes.
      const api = await serveApi(config, logger, await openConfiguredDatabase(config), { relay: false });
      onStop(logger, api.stop);
      await reportToPrimary({ cordon: 'listening', port: api.port });
    }
  } catch (err) {
    if (err instanceof StartupError) {
      // The API processes of a cluster tell the primary, which says it once.
      if (cluster.isPrimary) process.stderr.write(`${err.message}\n`);
      else await reportToPrimary({ cordon: 'failed', line: err.message });
      process.exit(err.exitCode);
    }
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

await main();
