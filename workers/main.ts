/**
 * `npm run workers`: the BullMQ workers of one process. Add processes (on this machine or others,
 * same REDIS_URL and DATABASE_URL) to spread the sub-problems of every round.
 * SIGTERM/SIGINT: stop taking jobs, let the active ones finish, close, exit 0.
 */
import { loadConfig } from '../config/config';
import { createLogger } from '../src/shared/logger';
import { StartupError } from '../src/startup-errors';
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

let runtime: Awaited<ReturnType<typeof startWorkerRuntime>>;
try {
  runtime = await startWorkerRuntime(config, logger);
} catch (err) {
  // Database or Redis away: one line naming the setting and the fix.
  if (err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(err.exitCode);
  }
  logger.fatal({ err }, 'workers could not start');
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing active jobs');
  try {
    await runtime.close();
    logger.info('workers stopped cleanly');
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
