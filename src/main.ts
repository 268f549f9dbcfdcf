/**
 * `npm start`: load the configuration, then start the whole service (src/service-startup.ts):
 * database (PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR) migrated, Redis
 * answering, demo district seeded on an empty database, the API in one process or, with
 * API_PROCESSES > 1 on PostgreSQL, a cluster sharing the port, and (WORKERS=inline) the workers.
 * Stops cleanly on SIGTERM/SIGINT: active jobs finish first.
 */
import cluster from 'node:cluster';
import { loadConfig, type Config } from '../config/config';
import { checkWorkerSettings, loadWorkerSettings, type WorkerSettings } from '../workers/settings';
import type { DemoLogin } from './demo/demo-district.seed';
import { RedisUnavailableError } from './redis-autostart';
import { createLogger, type Logger } from './shared/logger';
import { openConfiguredDatabase, serveApi, startService } from './service-startup';

function printLogins(logins: DemoLogin[], url: string): void {
  const lines = logins.map((l) => `  ${l.role.padEnd(16)} ${l.username.padEnd(16)} ${l.password}   (${l.scope})`);
  process.stdout.write(`\nDemo district seeded. Log in with POST ${url}/api/auth/login {"username","password"}:\n${lines.join('\n')}\n\n`);
}

function onStop(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
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
  let settings: WorkerSettings;
  try {
    config = loadConfig(process.env);
    // The workers' own settings (queue prefix, locks, solve budget): the API enqueues on the same prefix.
    settings = loadWorkerSettings(process.env);
    checkWorkerSettings(settings, config);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.LOG_LEVEL, base: { proc: cluster.isPrimary ? 'api' : 'api-worker' } });
  try {
    if (cluster.isPrimary) {
      const service = await startService(config, settings, logger);
      if (service.logins) printLogins(service.logins, service.url);
      onStop(logger, service.stop);
    } else {
      const api = await serveApi(config, settings, logger, await openConfiguredDatabase(config));
      onStop(logger, api.stop);
    }
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
