/**
 * The server role of bench/live.bench.ts: one process, the real live server (attachLive) on an
 * HTTP server, authenticating each connection against PostgreSQL sessions. Reports its port and,
 * when asked, its RSS after a full GC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { attachLive } from '../src/live/server';
import { createAuditService } from '../src/services/audit.service';
import { createAuthService } from '../src/services/auth.service';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { communityOfCorridor, householdScope } from '../src/store/event-directory.repository';
import { openDatabase } from '../src/store/db';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function runServer(schema: string): Promise<void> {
  const database = await openDatabase({ url: PG_URL, schema, poolSize: 10 });
  const db = database.db;
  const auth = createAuthService({ db, clock: systemClock, config: { SESSION_TTL_HOURS: 1 }, audit: createAuditService({ db }) });
  const http = createServer();
  attachLive(http, {
    authenticate: (token) => auth.authenticateToken(token),
    directory: {
      communityOfCorridor: (id) => communityOfCorridor(db, id),
      householdScope: (id) => householdScope(db, id),
      driverOfBatch: async () => null,
    },
    db: db as unknown as Kysely<object>,
    redis: new Redis(REDIS_URL),
    logger: createLogger({ level: 'warn' }),
    options: { streamName: `${schema}:stream`, keyPrefix: schema },
  });
  http.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (http.address() as AddressInfo).port }));
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu') process.send?.({ type: 'cpu', cpu: process.cpuUsage() });
    if (m.type !== 'rss') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send?.({ type: 'rss', rss: process.memoryUsage().rss });
  });
  process.on('disconnect', () => process.exit(0));
}
