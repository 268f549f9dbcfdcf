/**
 * The app under fuzz, in a worker thread of the test process: the same `buildApp` on the test's
 * PostgreSQL schema, with Redis and queue producers under the test's own prefix. A thread rather
 * than the test's own event loop, because a request that loops for ever or exhausts memory must
 * be seen and reported, not freeze or kill the test runner: the host terminates a frozen thread,
 * and the thread's heap limit turns an allocation storm into an 'exit' instead of a dead process.
 * Error logs (with stacks, for the findings' diagnosis) are posted to the host line by line.
 */
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { loadConfig } from '../../config/config';
import { buildApp } from '../../src/http/app';
import { createAppServer } from '../../src/http/server';
import { createProducers } from '../../src/queue/producers';
import { createProducerRedis } from '../../src/queue/redis';
import { systemClock } from '../../src/shared/clock';
import { REDACT_PATHS } from '../../src/shared/logger';
import { openDatabase } from '../../src/store/db';

export interface AppThreadData {
  pgUrl: string;
  redisUrl: string;
  schema: string;
  queuePrefix: string;
  env: Record<string, string>;
}

const data = workerData as AppThreadData & { entry: string };
const port = parentPort;
if (!port) throw new Error('app.thread.ts runs as a worker thread');

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: data.pgUrl, DATABASE_SCHEMA: data.schema, DATABASE_POOL_SIZE: '5', ...data.env });
const database = await openDatabase({ url: data.pgUrl, schema: data.schema, poolSize: 5 });
// The producer connection main.ts gives the API (fails fast while down), ready before the first request.
const redis = createProducerRedis(data.redisUrl);
await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
const queue = createProducers({ redis, prefix: data.queuePrefix });
const logger = pino({ level: 'error', base: {}, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (line: string) => port.postMessage({ type: 'log', line }) });
const app = buildApp({ config, db: database.db, database, logger, clock: systemClock, redis, queue });
// Served as production serves it (Node's parser errors answered as problem documents too).
const server = createAppServer(app);
server.listen(0, '127.0.0.1', () => port.postMessage({ type: 'ready', port: (server.address() as AddressInfo).port }));

port.on('message', (m: { type: string; id?: number }) => {
  // Answered only when the event loop is free: the host's probe of a request that blocks it.
  if (m.type === 'ping') return port.postMessage({ type: 'pong', id: m.id });
  if (m.type !== 'close') return;
  server.closeAllConnections();
  server.close(() => {
    void Promise.allSettled([queue.close(), database.close()]).then(() => {
      redis.disconnect();
      port.postMessage({ type: 'closed' });
    });
  });
});
