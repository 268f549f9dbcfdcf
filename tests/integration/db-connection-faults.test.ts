/**
 * PostgreSQL drops the API's connections (pg_terminate_backend: a failover, a restart, an admin)
 * while intake is busy. Broke before: a checked-out pg client had no 'error' listener, so the
 * server's goodbye on a connection between two statements of a transaction killed the process
 * (`Unhandled 'error' event ... on Client instance`).
 */
import { Agent } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { dropPrefix, REDIS_URL, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';
import { loginAdmin, postNeed, seedIntake, spawnApi, type ApiProcess } from './process.fixtures';

const prefix = uniquePrefix('dbfault');
// The API's connections carry this name, so the test cuts exactly those (not its own, not other files').
const appName = `cordon_dbfault_${process.pid}`;
let database: Database;
let households: string[];
let api: ApiProcess | undefined;

beforeAll(async () => {
  database = await openTestDatabase('db_faults');
  households = await seedIntake(database, 40);
});
afterAll(async () => {
  if (api && api.proc.exitCode === null && api.proc.signalCode === null) {
    api.proc.kill('SIGKILL');
    await api.exited;
  }
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

/** Terminates every backend of the API; returns how many it cut. */
async function cutConnections(): Promise<number> {
  const rows = await sql<{ cut: boolean }>`select pg_terminate_backend(pid) as cut from pg_stat_activity where application_name = ${appName}`.execute(database.db);
  return rows.rows.filter((r) => r.cut).length;
}

describe('database connections dropped under load', () => {
  it('the API process dies when the database drops its connections under load: now it survives, answers 503 meanwhile, stores every 2xx and recovers', async () => {
    api = spawnApi({
      DATABASE_URL: `${DATABASE_URL}?application_name=${appName}`, DATABASE_SCHEMA: database.schema, DATABASE_POOL_SIZE: '4',
      QUEUE_PREFIX: prefix,
    });
    const url = await api.url();
    const token = await loginAdmin(url);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const accepted: string[] = [];
    const statuses: number[] = [];
    let transportErrors = 0;
    let running = true;
    let n = 0;
    const client = async () => {
      while (running) {
        const i = n++;
        try {
          const answer = await postNeed(url, agent, token, households[i % households.length]!, i);
          statuses.push(answer.status);
          if (answer.needId) accepted.push(answer.needId);
        } catch {
          // The process died (the bug): the connection is refused or reset.
          transportErrors++;
          if (api!.proc.exitCode !== null || api!.proc.signalCode !== null) return;
        }
      }
    };
    const clients = Array.from({ length: 16 }, () => client());
    const alive = () => api!.proc.exitCode === null && api!.proc.signalCode === null;
    try {
      await until(() => accepted.length >= 30 || !alive(), 60_000);
      let cut = 0;
      for (let round = 0; round < 6 && alive(); round++) {
        cut += await cutConnections();
        // Let the clients run into the cut connections and the pool open new ones.
        const answered = statuses.length;
        await until(() => statuses.length >= answered + 20 || !alive(), 60_000, 20);
      }
      expect(cut, 'connections of the API were cut').toBeGreaterThan(0);
      // Intake carries on on fresh connections.
      const before = accepted.length;
      await until(() => accepted.length >= before + 20 || !alive(), 60_000);
    } finally {
      running = false;
      await Promise.all(clients);
      agent.destroy();
    }
    expect(alive(), `the API process died:\n${api.lines.slice(-20).join('\n')}`).toBe(true);
    expect(transportErrors).toBe(0);
    // A request that lost its connection is a 503 (retry), never a 500.
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length, 'some requests did meet a cut connection').toBeGreaterThan(0);
    const stored = await database.db.selectFrom('needs').select('id').where('id', 'in', accepted).execute();
    expect(stored.length).toBe(new Set(accepted).size);
    // Without a restart: /health answers 200 and a new need is accepted.
    await until(async () => (await fetch(`${url}/health`)).status === 200, 20_000, 100);
    const again = await postNeed(url, new Agent(), token, households[0]!, n + 1);
    expect(again.status).toBe(201);
  }, 180_000);
});
