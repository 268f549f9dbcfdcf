/**
 * A server that can be stopped and started again on the same data: PostgreSQL (own schema) or
 * PGlite (own directory). For the restart and embedded-database tests.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig } from '../../config/config';
import { buildApp } from '../../src/http/app';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { migrateToLatest, openDatabase, type Database, type DatabaseOptions } from '../../src/store/db';

export const PASSWORD = 'correct horse battery';

export interface Running {
  database: Database;
  url: string;
  stop(): Promise<void>;
}

/** Opens (and migrates) the database, serves the real app on port 0. */
export async function startServer(options: DatabaseOptions): Promise<Running> {
  const database = await openDatabase(options);
  await migrateToLatest(database);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...(options.url ? { DATABASE_URL: options.url } : {}) });
  const app = buildApp({ config, db: database.db, database, logger: createLogger({ level: 'silent' }), clock: systemClock });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    database,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

export interface SmallGrid {
  corridor: string;
  households: string[];
}

/** One corridor with three households and an admin account (username `admin.<tag>`). */
export async function seedSmallGrid(database: Database, tag: string): Promise<SmallGrid> {
  const db = database.db;
  const area = async (kind: 'district' | 'street' | 'community' | 'building' | 'corridor', parent: string | null, community: string | null) =>
    (await db.insertInto('areas').values({ kind, name: `${kind} ${tag}`, parent_id: parent, community_id: community }).returning('id').executeTakeFirstOrThrow()).id;
  const district = await area('district', null, null);
  const street = await area('street', district, null);
  const community = await area('community', street, null);
  const building = await area('building', community, community);
  const corridor = await area('corridor', building, community);
  const rows = ['101', '102', '103'].map((flat) => ({ corridor_id: corridor, community_id: community, address: `Flat ${flat}`, members: 4, lat: 31.2, lon: 121.4 }));
  const households = (await db.insertInto('households').values(rows).returning('id').execute()).map((r) => r.id);
  await createAccount({ db }, { username: `admin.${tag}`, password: PASSWORD, role: 'admin' }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  return { corridor, households };
}

export async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function call(url: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
  if (body !== undefined) h['content-type'] ??= 'application/json';
  return fetch(url + path, { method, headers: h, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
}
