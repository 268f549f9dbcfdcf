/**
 * The server role of bench/live.bench.ts: one process, the real live server (attachLive) on an
 * HTTP server, authenticating each connection against PostgreSQL sessions. Reports its port and,
 * when asked, its RSS after a full GC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Adapter } from 'socket.io-adapter';
import { attachLive } from '../src/live/server';
import { createAuditService } from '../src/services/access/audit.service';
import { createAuthService } from '../src/services/access/auth.service';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { communityOfCorridor, householdScope } from '../src/store/event-directory.repository';
import { openDatabase } from '../src/store/db';
import type { Db } from '../src/store/db';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Server-side fan-out time, apart from the clients' decoding and the machine's scheduling of them:
 * for each broadcast, now - event time once every recipient's frame has been handed to the socket,
 * counted once per recipient. Measured by wrapping the in-memory adapter's broadcast (bench only).
 */
const serverSide: number[] = [];
function measureBroadcasts(): void {
  const original = Adapter.prototype.broadcast;
  Adapter.prototype.broadcast = function (this: Adapter, packet: { data?: unknown[] }, opts: { rooms: Set<string> }) {
    original.call(this, packet, opts as never);
    const envelope = packet.data?.[1] as { at?: string } | undefined;
    if (!envelope?.at) return;
    const lag = Date.now() - Date.parse(envelope.at);
    let recipients = 0;
    for (const room of opts.rooms) recipients += this.rooms.get(room)?.size ?? 0;
    for (let i = 0; i < recipients; i++) serverSide.push(lag);
  };
}

export async function runServer(schema: string): Promise<void> {
  measureBroadcasts();
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
    db: db as unknown as Db,
    redis: new Redis(REDIS_URL),
    logger: createLogger({ level: 'warn' }),
    options: { streamName: `${schema}:stream`, keyPrefix: schema },
  });
  http.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (http.address() as AddressInfo).port }));
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu') process.send?.({ type: 'cpu', cpu: process.cpuUsage() });
    if (m.type === 'server-side') process.send?.({ type: 'server-side', samples: serverSide.splice(0) });
    if (m.type !== 'rss') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send?.({ type: 'rss', rss: process.memoryUsage().rss });
  });
  process.on('disconnect', () => process.exit(0));
}
