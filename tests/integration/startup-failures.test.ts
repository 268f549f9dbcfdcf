/**
 * Start-up failures an operator can fix: `src/main.ts` (what `npm start` runs) and `workers/main.ts`
 * as real processes. Each must stop with one plain line naming the setting and a fix, a non-zero exit
 * code, and nothing left running (an autostarted redis-server, API processes of a cluster). Broke
 * before: a port in use died with `TypeError: Cannot read properties of null (reading 'port')` and left
 * the redis-server it had autostarted running.
 * The tests of each group run side by side: each waits on its own process (own tag, port, directory),
 * and the file's wall time was nine process start-ups one after another.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { isAlive, pidsTagged, spawnApi, TAG_VARIABLE, type ApiProcess } from './process.fixtures';
import { freePort, spawnWorkers, until, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';

let database: Database;
let taken: Server;
let takenPort: number;
const spawned: (ApiProcess | WorkerProcess)[] = [];

beforeAll(async () => {
  database = await openTestDatabase('startup_failures');
  // The port "another process" holds.
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  for (const p of spawned) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await new Promise((resolve) => taken.close(resolve));
  await dropSchema(database);
  await database.close();
});

const api = (env: Record<string, string>) => {
  const p = spawnApi({ DATABASE_URL, DATABASE_SCHEMA: database.schema, PORT: String(takenPort), ...env });
  spawned.push(p);
  return p;
};

/** The process exited non-zero with exactly one line that is not a JSON log line, matching `line`; nothing it started survives. */
async function expectOneLineFailure(p: ApiProcess | WorkerProcess, line: RegExp, tag?: string): Promise<string> {
  const { code } = await p.exited;
  const plain = p.lines.filter((l) => !l.startsWith('{'));
  expect(plain, p.lines.join('\n')).toHaveLength(1);
  expect(plain[0]).toMatch(line);
  expect(p.lines.join('\n')).not.toMatch(/TypeError|at .*\.ts:\d+/);
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  if (tag) await until(() => pidsTagged(tag).length === 0, 10_000);
  return plain[0]!;
}

async function refuses(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return false;
  } catch {
    return true;
  } finally {
    r.disconnect();
  }
}

describe.concurrent('npm start refuses to start, in one line, leaving nothing running', () => {
  it('port in use: npm start died with a TypeError reading port; now one line names PORT and the fix', async () => {
    const p = api({});
    await expectOneLineFailure(p, new RegExp(`^PORT ${takenPort} is in use by another process .*: stop it or set PORT`), p.tag);
  }, 90_000);

  it('port in use with API_PROCESSES=2: the primary says it once, no API process survives', async () => {
    const p = api({ API_PROCESSES: '2' });
    await expectOneLineFailure(p, new RegExp(`^PORT ${takenPort} is in use by another process`), p.tag);
  }, 90_000);

  it('port in use after autostarting Redis: the redis-server it started is gone too', async () => {
    const redisPort = await freePort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const p = api({ REDIS_URL: redisUrl, REDIS_AUTOSTART: 'on' });
    await expectOneLineFailure(p, new RegExp(`^PORT ${takenPort} is in use`), p.tag);
    const started = p.lines.find((l) => l.includes('started a local redis-server'));
    expect(started).toBeDefined();
    // redis-server rewrites its process title over its environment, so look for it by pid and port.
    const redisPid = (JSON.parse(started!) as { pid: number }).pid;
    await until(() => !isAlive(redisPid), 10_000);
    expect(await refuses(redisUrl)).toBe(true);
  }, 90_000);

  it('database down: one line names DATABASE_URL and where nothing answered', async () => {
    const closed = await freePort();
    const p = api({ DATABASE_URL: `postgres://root@127.0.0.1:${closed}/test`, PORT: '0' });
    await expectOneLineFailure(p, new RegExp(`^DATABASE_URL: no PostgreSQL answers at 127\\.0\\.0\\.1:${closed} \\(connection refused\\): start it`), p.tag);
  }, 90_000);

  it('DATA_DIR open in another live process (PGlite): one line says so, instead of a second process writing over its files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cordon-held-'));
    try {
      // This test process stands for the running Cordon holding the directory.
      await writeFile(join(dir, 'cordon.pid'), `${process.pid}\n`);
      const p = api({ DATABASE_URL: '', DATA_DIR: dir, PORT: '0' });
      await expectOneLineFailure(p, new RegExp(`^DATA_DIR .+ is open in process ${process.pid} \\(a running Cordon\\): stop it first`), p.tag);
      expect(await readdir(dir)).toEqual(['cordon.pid']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a DATABASE_URL naming a database that does not exist: one line says so and how to create it', async () => {
    const p = api({ DATABASE_URL: 'postgres://root@127.0.0.1:5432/cordon_no_such_database', PORT: '0' });
    await expectOneLineFailure(p, /^DATABASE_URL: database "cordon_no_such_database" does not exist .*createdb cordon_no_such_database/, p.tag);
  }, 90_000);

  it('Redis refusing with REDIS_AUTOSTART=off: one line names REDIS_URL, exit code 3', async () => {
    const closed = await freePort();
    const p = api({ REDIS_URL: `redis://127.0.0.1:${closed}`, REDIS_AUTOSTART: 'off', PORT: '0' });
    await expectOneLineFailure(p, new RegExp(`^REDIS_URL: no Redis answers at 127\\.0\\.0\\.1:${closed} \\(REDIS_AUTOSTART=off\\)`), p.tag);
    expect(p.proc.exitCode).toBe(3);
  }, 90_000);
});

describe.concurrent('npm run workers refuses to start, in one line', () => {
  const workers = (env: Record<string, string>) => {
    // Unique even for two processes started in the same millisecond (the tests run side by side).
    const tag = `workers-${randomUUID()}`;
    const w = spawnWorkers({ DATABASE_URL, DATABASE_SCHEMA: database.schema, [TAG_VARIABLE]: tag, ...env });
    spawned.push(w);
    return { w, tag };
  };

  it('database down', async () => {
    const closed = await freePort();
    const { w, tag } = workers({ DATABASE_URL: `postgres://root@127.0.0.1:${closed}/test` });
    await expectOneLineFailure(w, new RegExp(`^DATABASE_URL: no PostgreSQL answers at 127\\.0\\.0\\.1:${closed}`), tag);
  }, 90_000);

  it('Redis refusing', async () => {
    const closed = await freePort();
    const { w, tag } = workers({ REDIS_URL: `redis://127.0.0.1:${closed}` });
    await expectOneLineFailure(w, new RegExp(`^REDIS_URL: no Redis answers at 127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)`), tag);
    expect(w.proc.exitCode).toBe(3);
  }, 90_000);
});
