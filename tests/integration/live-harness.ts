/**
 * Fixtures of the live integration tests: a private Postgres schema and Redis key prefix per file,
 * a seeded grid with real accounts and sessions (the auth service's own), Socket.IO servers on
 * port 0, and clients that record every envelope they receive.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Socket as TcpSocket } from 'node:net';
import { Redis } from 'ioredis';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import type { Envelope, Scope } from '../../src/contracts/events';
import type { LiveClientEvents, LiveServerEvents, ResumeAck } from '../../src/contracts/event-socket';
import { SequenceTracker } from '../../src/contracts/event-sequence';
import type { Role } from '../../src/domain/access';
import { attachLive, type Live } from '../../src/live/server';
import type { LiveOptions } from '../../src/live/types';
import { createAuditService } from '../../src/services/access/audit.service';
import { createAccount, type UserAssignments } from '../../src/services/access/auth-accounts.service';
import { createAuthService, type AuthService } from '../../src/services/access/auth.service';
import type { ScopeDirectory } from '../../src/services/live-status/live-access.service';
import { createRoundTracking, tripDriver } from '../../src/services/live-status/live-directory.service';
import { createLiveStream } from '../../src/services/live-status/live-stream';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import { ManualClock, systemClock, type Clock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { communityOfCorridor, householdScope } from '../../src/store/event-directory.repository';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';
import type { Db } from '../../src/store/db';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const logger = createLogger({ level: 'silent' });

export type LiveClient = ClientSocket<LiveServerEvents, LiveClientEvents> & { received: Envelope[] };

export interface Grid {
  community: string;
  corridors: [string, string];
  households: [string, string];
  drivers: [string, string];
}

export interface LiveFixture {
  prefix: string;
  database: Database;
  redis: Redis;
  grid: Grid;
  auth: AuthService;
  /** Batch id -> driver record, for tests without round tables; otherwise the trip's dispatched driver. */
  batches: Map<string, string>;
  directory: ScopeDirectory;
  publisher(clock?: Clock): LivePublisher;
  /** The clock of the servers' driver tracking (stop events' `at`, default position time). */
  trackingClock: ManualClock;
  startServer(options?: LiveOptions): Promise<{ url: string; live: Live; http: HttpServer }>;
  /** Creates an account with assignments and logs it in; returns its session token. */
  login(role: Role, assignments?: Partial<UserAssignments>): Promise<string>;
  /** Logs the same user in again: a second session. */
  relogin(token: string): Promise<string>;
  connect(url: string, token: string, options?: { reconnection?: boolean }): Promise<LiveClient>;
  close(): Promise<void>;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A TCP proxy in front of a server whose connections can be cut, as a mobile network drops them:
 * neither side closes cleanly, both just see the transport go.
 */
export async function flakyProxy(targetUrl: string): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const target = new URL(targetUrl);
  const open = new Set<TcpSocket>();
  const proxy = createTcpServer((inbound) => {
    const outbound = tcpConnect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => open.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    cut: () => {
      for (const s of open) s.destroy();
    },
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function seedGrid(db: Db): Promise<Grid> {
  const core = db as unknown as Database['db'];
  const area = async (kind: 'district' | 'community' | 'corridor', parent: string | null, community: string | null) =>
    (await core.insertInto('areas').values({ kind, parent_id: parent, community_id: community, name: `${kind}-x` }).returning('id').executeTakeFirstOrThrow()).id;
  const district = await area('district', null, null);
  const community = await area('community', district, null);
  const c1 = await area('corridor', community, community);
  const c2 = await area('corridor', community, community);
  const household = async (corridor: string) =>
    (await core.insertInto('households').values({ corridor_id: corridor, community_id: community, address: 'a', members: 2, lat: 31.2, lon: 121.4 }).returning('id').executeTakeFirstOrThrow()).id;
  const depot = (await core.insertInto('depots').values({ name: 'd', lat: 31.2, lon: 121.4 }).returning('id').executeTakeFirstOrThrow()).id;
  const driver = async () => (await core.insertInto('drivers').values({ depot_id: depot, name: 'drv' }).returning('id').executeTakeFirstOrThrow()).id;
  return { community, corridors: [c1, c2], households: [await household(c1), await household(c2)], drivers: [await driver(), await driver()] };
}

export async function liveFixture(name: string): Promise<LiveFixture> {
  const prefix = `live_${name}_${process.pid}_${Date.now().toString(36)}`;
  const database = await openDatabase({ url: PG_URL, schema: prefix, poolSize: 5 });
  await migrateToLatest(database);
  const db = database.db as unknown as Db;
  const redis = new Redis(REDIS_URL);
  const grid = await seedGrid(db);
  const auth = createAuthService({ db: database.db, clock: systemClock, config: { SESSION_TTL_HOURS: 1 }, audit: createAuditService({ db: database.db }) });
  const batches = new Map<string, string>();
  const directory: ScopeDirectory = {
    communityOfCorridor: (id) => communityOfCorridor(database.db, id),
    householdScope: (id) => householdScope(database.db, id),
    driverOfBatch: async (id) => batches.get(id) ?? tripDriver(database.db)(id),
  };
  const servers: Live[] = [];
  const https: HttpServer[] = [];
  const clients: LiveClient[] = [];
  const stream = createLiveStream(redis, { streamName: `${prefix}:stream` });
  let users = 0;
  const trackingClock = new ManualClock('2026-11-23T10:00:00Z');
  const usernames = new Map<string, string>();

  return {
    prefix,
    database,
    redis,
    grid,
    auth,
    batches,
    directory,
    trackingClock,
    publisher: (clock = systemClock) => createLivePublisher({ db, stream, clock, logger }),
    async startServer(options = {}) {
      const http = createServer();
      const live = attachLive(http, {
        authenticate: (token) => auth.authenticateToken(token),
        directory,
        audit: createAuditService({ db: database.db }),
        tracking: createRoundTracking({ db: database.db, publisher: createLivePublisher({ db, stream, clock: trackingClock, logger }), clock: trackingClock, driverOfBatch: directory.driverOfBatch }),
        db,
        redis,
        logger,
        options: { streamName: `${prefix}:stream`, keyPrefix: prefix, ...options },
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      servers.push(live);
      https.push(http);
      return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, live, http };
    },
    async login(role, assignments = {}) {
      const username = `u${++users}-${role}`;
      await createAccount({ db: database.db }, { username, password: 'correct horse battery', role, assignments }, { scryptCost: { N: 1024, r: 8, p: 1 } });
      const { token } = await auth.login(username, 'correct horse battery');
      usernames.set(token, username);
      return token;
    },
    async relogin(token) {
      const username = usernames.get(token);
      if (!username) throw new Error('unknown token');
      return (await auth.login(username, 'correct horse battery')).token;
    },
    async connect(url, token, options = {}) {
      const socket = connectClient(url, { transports: ['websocket'], auth: { token }, reconnectionDelay: 50, reconnectionDelayMax: 200, ...options }) as LiveClient;
      socket.received = [];
      socket.on('event', (envelope) => socket.received.push(envelope));
      clients.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      return socket;
    },
    async close() {
      for (const c of clients) c.disconnect();
      for (const s of servers) await s.close();
      for (const h of https) h.closeAllConnections();
      await dropSchema(database);
      await database.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** Sends a request and waits for its ack. */
export function request<K extends keyof LiveClientEvents>(client: LiveClient, event: K, body: unknown): Promise<Parameters<Parameters<LiveClientEvents[K]>[1]>[0]> {
  return new Promise((resolve) => {
    (client.emit as (e: string, b: unknown, ack: (a: unknown) => void) => void)(event, body, (answer) => resolve(answer as never));
  });
}

/**
 * The streams adapter starts reading the stream ("$") only once its reader connection is up:
 * publish probes to a scope a client has joined until one arrives, so tests never race it.
 */
export async function waitUntilServing(publisher: LivePublisher, client: LiveClient, probeScope: Scope): Promise<void> {
  const deadline = Date.now() + 5000;
  const before = client.received.length;
  while (client.received.length === before) {
    if (Date.now() > deadline) throw new Error('server never delivered a probe');
    await publisher.publish([probeScope], { type: 'round.progress', roundId: 'probe', percent: 0, stage: 'queued' });
    await sleep(100);
  }
}

let markers = 0;

/**
 * Returns once each client has received everything published to its scope before this call, so a
 * test can check that nothing else came without waiting an arbitrary time: one marker event goes to
 * every scope given, and each client waits for its own. A fixture's publishers and servers share one
 * stream, read in order, so whatever was published earlier reached the client first. Markers are
 * stored like any event: they take a seq in each scope.
 */
export async function caughtUp(publisher: LivePublisher, followers: readonly (readonly [LiveClient, Scope])[]): Promise<void> {
  const roundId = `marker-${++markers}`;
  await publisher.publish([...new Set(followers.map(([, s]) => s))], { type: 'round.progress', roundId, percent: 0, stage: 'queued' });
  for (const [client, s] of followers) {
    await until(() => client.received.some((e) => e.scope === s && e.event.type === 'round.progress' && e.event.roundId === roundId), 10_000, `marker on ${s}`);
  }
}

/**
 * The client side of the protocol, as the web app does it: apply each scope's envelopes exactly once
 * in seq order (SequenceTracker); on a gap, and after every reconnection (events broadcast while a
 * recovering socket is re-authenticated are lost, trailing ones included), `resume` from the last
 * applied seq. A resume whose ack is lost with the connection times out and is tried again.
 */
export function followScope(client: LiveClient, target: Scope, startSeq: number): { applied: Envelope[] } {
  const tracker = new SequenceTracker();
  tracker.reset(target, startSeq);
  const applied: Envelope[] = [];
  let resuming = false;
  let again = false;

  const offer = (e: Envelope): 'apply' | 'duplicate' | 'gap' => {
    const verdict = tracker.offer(e);
    if (verdict === 'apply') applied.push(e);
    return verdict;
  };
  const fill = async (): Promise<void> => {
    if (resuming) {
      again = true;
      return;
    }
    resuming = true;
    try {
      do {
        again = false;
        let answer: ResumeAck;
        try {
          answer = (await client.timeout(1000).emitWithAck('resume', { scope: target, sinceSeq: tracker.lastSeq(target) })) as ResumeAck;
        } catch {
          again = true; // no answer: the connection went; try again once it is back
          continue;
        }
        if (!answer.ok) throw new Error(`resume refused: ${answer.error}`);
        for (const e of answer.events) offer(e);
      } while (again);
    } finally {
      resuming = false;
    }
  };
  client.on('event', (e) => {
    if (e.scope === target && offer(e) === 'gap') void fill();
  });
  client.io.on('reconnect', () => void fill());
  return { applied };
}
