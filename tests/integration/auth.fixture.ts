/**
 * A small district on the real PostgreSQL (own schema per test file) with one account per role,
 * served by the app on port 0. Shared by the auth and authorization-matrix tests.
 *
 * Grid: community m1 holds corridors c1 and c2, community m2 holds c3.
 * Households: h1 and h2 in c1, h3 in c2, h4 in c3. Drivers d1, d2.
 * Accounts: resident of h1, coordinator of c1, community staff of m1, dispatcher, driver d1, admin;
 * and `spare`, a dispatcher that only ever appears as the subject of admin routes.
 */
import { sql, type KyselyPlugin, type OperationNode } from 'kysely';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../config/config';
import type { Role } from '../../src/domain/access';
import { buildApp } from '../../src/http/app';
import { createAppServer } from '../../src/http/server';
import type { AppDeps } from '../../src/http/deps';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { ManualClock, systemClock, type Clock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Cheap scrypt for fixture accounts (the cost is stored in the hash, so login still verifies). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
export const PASSWORD = 'correct horse battery';

export interface Grid {
  district: string;
  street: string;
  b1: string;
  b2: string;
  m1: string;
  m2: string;
  c1: string;
  c2: string;
  c3: string;
  h1: string;
  h2: string;
  h3: string;
  h4: string;
  d1: string;
  d2: string;
  /** The depot of drivers d1 and d2. */
  depot: string;
}

export interface World {
  database: Database;
  deps: AppDeps;
  app: Express;
  config: Config;
  clock: Clock;
  grid: Grid;
  users: Record<Role | 'spare', { id: string; username: string }>;
  url: string;
  /** Logs in and returns the bearer token (throws unless 200). */
  login(role: Role | 'spare'): Promise<string>;
  request(method: string, path: string, init?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** Counts the statements a world's `deps.db` sends (give `plugin` to startWorld); BEGIN and COMMIT are not statements to it. */
/**
 * Records each statement the app sends: its kind and the tables it names, in the order sent (a raw
 * statement: its text, as `sql:<text>`).
 */
export function statementRecorder(): { plugin: KyselyPlugin; statements: string[][] } {
  const statements: string[][] = [];
  const tablesOf = (node: unknown, into: Set<string>): Set<string> => {
    if (!node || typeof node !== 'object') return into;
    const n = node as OperationNode & { table?: { identifier?: { name?: string } }; sqlFragments?: readonly string[] };
    if (n.kind === 'TableNode' && n.table?.identifier?.name) into.add(n.table.identifier.name);
    if (n.kind === 'RawNode' && n.sqlFragments) into.add(`sql:${n.sqlFragments.join('?')}`);
    for (const v of Object.values(node)) tablesOf(v, into);
    return into;
  };
  return {
    statements,
    plugin: {
      transformQuery: (args) => {
        statements.push([args.node.kind, ...tablesOf(args.node, new Set())]);
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
  };
}

export function statementCounter(): { plugin: KyselyPlugin; count(): number } {
  let n = 0;
  return {
    plugin: {
      transformQuery: (args) => {
        n++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
    count: () => n,
  };
}

export interface WorldOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
  /** Use the shared Redis (rate limits). Default false: memory store. */
  redis?: boolean;
  /** Sees every statement the app sends (e.g. to count them). */
  plugin?: KyselyPlugin;
}

async function seedGrid(db: Database['db']): Promise<Grid> {
  const area = async (kind: 'district' | 'street' | 'community' | 'building' | 'corridor', name: string, parent: string | null, community: string | null = null) =>
    (await db.insertInto('areas').values({ kind, name, parent_id: parent, community_id: community }).returning('id').executeTakeFirstOrThrow()).id;
  const district = await area('district', 'D', null);
  const street = await area('street', 'S', district);
  const m1 = await area('community', 'M1', street);
  const m2 = await area('community', 'M2', street);
  // A community's community is itself (src/domain/area.ts).
  await db.updateTable('areas').set((eb) => ({ community_id: eb.ref('id') })).where('kind', '=', 'community').execute();
  const b1 = await area('building', 'B1', m1, m1);
  const b2 = await area('building', 'B2', m2, m2);
  const c1 = await area('corridor', 'C1', b1, m1);
  const c2 = await area('corridor', 'C2', b1, m1);
  const c3 = await area('corridor', 'C3', b2, m2);
  const household = async (corridor: string, community: string, address: string) =>
    (await db.insertInto('households').values({ corridor_id: corridor, community_id: community, address, members: 3, lat: 31.2, lon: 121.4 }).returning('id').executeTakeFirstOrThrow()).id;
  const h1 = await household(c1, m1, 'B1-C1-101');
  const h2 = await household(c1, m1, 'B1-C1-102');
  const h3 = await household(c2, m1, 'B1-C2-201');
  const h4 = await household(c3, m2, 'B2-C3-301');
  const depot = (await db.insertInto('depots').values({ name: 'Depot', lat: 31.2, lon: 121.4 }).returning('id').executeTakeFirstOrThrow()).id;
  const driver = async (name: string) => (await db.insertInto('drivers').values({ depot_id: depot, name }).returning('id').executeTakeFirstOrThrow()).id;
  return { district, street, b1, b2, m1, m2, c1, c2, c3, h1, h2, h3, h4, d1: await driver('Driver 1'), d2: await driver('Driver 2'), depot };
}

export async function startWorld(name: string, options: WorldOptions = {}): Promise<World> {
  const schema = `t_${name}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '5', ...options.env });
  const database = await openDatabase({ url: PG_URL, schema, poolSize: 5 });
  await migrateToLatest(database);
  const grid = await seedGrid(database.db);
  const clock = options.clock ?? systemClock;
  const redis = options.redis ? new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', () => undefined);
  const deps: AppDeps = { config, db: options.plugin ? database.db.withPlugin(options.plugin) : database.db, database, logger: createLogger({ level: 'silent' }), clock, ...(redis ? { redis } : {}) };

  const make = async (role: Role, assignments: Parameters<typeof createAccount>[1]['assignments'] = {}, label: string = role) => {
    const username = `${label}.${name}`;
    const account = await createAccount(deps, { username, password: PASSWORD, role, assignments }, { scryptCost: FAST_SCRYPT });
    return { id: account.id, username };
  };
  const users: World['users'] = {
    resident: await make('resident', { householdId: grid.h1 }),
    coordinator: await make('coordinator', { corridorIds: [grid.c1] }),
    community_staff: await make('community_staff', { communityIds: [grid.m1] }),
    dispatcher: await make('dispatcher'),
    driver: await make('driver', { driverId: grid.d1 }),
    admin: await make('admin'),
    spare: await make('dispatcher', {}, 'spare'),
  };

  const app = buildApp(deps);
  const server: Server = createAppServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: World['request'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    return fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };

  return {
    database,
    deps,
    app,
    config,
    clock,
    grid,
    users,
    url,
    request,
    async login(role) {
      const res = await request('POST', '/api/auth/login', { body: { username: users[role].username, password: PASSWORD } });
      if (res.status !== 200) throw new Error(`login as ${role}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis?.disconnect();
      await dropSchema(database);
      await database.close();
    },
  };
}

/**
 * Takes one of `database`'s pooled connections (a transaction) and holds it until the returned
 * function is called: with a pool of one, whoever asks next waits, and the order they are served in shows.
 */
export async function holdAConnection(database: Database): Promise<() => Promise<void>> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const held = new Promise<void>((r) => (holding = r));
  const holder = database.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    holding();
    await gate;
  });
  await held;
  return async () => {
    release();
    await holder;
  };
}
