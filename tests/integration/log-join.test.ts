/**
 * Logs that join up (issue #16, item 6): the API's line of a request and the workers' lines of the
 * jobs it caused carry the same request id, so one grep follows a need from intake to the queue, a
 * round from its start to its merge, and an emergency need from intake to the driver's batch it was
 * put on. The API runs in this process (its lines captured from its pino destination), the workers
 * as their own process (its stdout). No medical detail appears in either.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { buildApp } from '../../src/http/app';
import { createProducers, type Producers } from '../../src/queue/producers';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, type Database } from '../../src/store/db';
import { REDIS_URL, dropPrefix, spawnWorkers, uniquePrefix, until, type WorkerProcess } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from './round.fixtures';

type Line = Record<string, unknown>;

const prefix = uniquePrefix('logjoin');
const DRUG = 'Zyxoprine-77';
let database: Database;
let district: District;
let producers: Producers;
let server: Server;
let base: string;
let token: string;
let workers: WorkerProcess;
let apiText = '';
let workerText = '';

/** Whole lines only: a chunk may end mid-line. */
const parse = (text: string): Line[] => text.split('\n').slice(0, -1).flatMap((l) => {
  try {
    return [JSON.parse(l) as Line];
  } catch {
    return [];
  }
});
const apiLines = () => parse(apiText);
const workerLines = () => parse(workerText);

async function call(method: string, path: string, body?: unknown, reqId?: string): Promise<Response> {
  return fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(reqId ? { 'x-request-id': reqId } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

beforeAll(async () => {
  database = await openTestDatabase('log_join');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 3, householdsPerCorridor: 3, vehicles: 2, capacityBags: 80 });
  producers = createProducers({ redisUrl: REDIS_URL, prefix });
  await until(() => producers.ready(), 3000);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL, DATABASE_SCHEMA: database.schema, QUEUE_PREFIX: prefix });
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void (apiText += s) } });
  const deps = { config, db: database.db, database, logger, clock: systemClock };
  server = await new Promise((resolve) => {
    const s = buildApp({ ...deps, queue: producers }).listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await createAccount(deps, { username: 'admin.logs', password: 'correct horse battery', role: 'admin', assignments: {} }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin.logs', password: 'correct horse battery' }) });
  token = ((await login.json()) as { token: string }).token;
  workers = spawnWorkers({
    DATABASE_URL, DATABASE_SCHEMA: database.schema, REDIS_URL, QUEUE_PREFIX: prefix, RECONCILE_EVERY_MS: '0', OUTBOX_POLL_MS: '100',
    WORKER_LOCK_DURATION_MS: '5000', WORKER_STALLED_INTERVAL_MS: '2000',
  });
  workers.proc.stdout?.on('data', (b: Buffer) => void (workerText += b.toString()));
  await workers.waitForLog(/workers started/);
}, 120_000);

afterAll(async () => {
  if (workers?.proc.exitCode === null) {
    workers.proc.kill('SIGTERM');
    await workers.exited;
  }
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await producers?.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
}, 60_000);

describe('one request id across the API and the workers', () => {
  it('follows a need from intake to its job, a round from its start to its merge, and an emergency to the driver\'s batch', async () => {
    const [h1, h2] = await database.db.selectFrom('households').select('id').orderBy('id').limit(2).execute();

    // Intake without an X-Request-Id: the generated one (echoed in the response) goes on.
    const intake = await call('POST', `/api/households/${h1!.id}/needs`, { kind: 'food_package', details: {} });
    expect(intake.status).toBe(201);
    const intakeId = intake.headers.get('x-request-id')!;
    const needId = ((await intake.json()) as { need: { id: string } }).need.id;
    expect(apiLines().find((l) => l.reqId === intakeId && l.msg === 'request completed')).toMatchObject({ needId });
    await until(() => workerLines().some((l) => l.reqId === intakeId), 20_000);
    expect(workerLines().filter((l) => l.reqId === intakeId)).toEqual([
      expect.objectContaining({ msg: 'job completed', queue: 'needs', job: 'need.accepted', jobId: `need-accepted-${needId}`, needId }),
    ]);

    // A round started with a given id: every job of its flow carries it, and the round id.
    const start = await call('POST', '/api/rounds', { areaId: district.districtId, kind: 'food', timeLimitMs: 300 }, 'trace-round-1');
    expect(start.status).toBe(201);
    const roundId = ((await start.json()) as { id: string }).id;
    expect(apiLines().find((l) => l.reqId === 'trace-round-1')).toMatchObject({ roundId, msg: 'request completed' });
    await until(() => workerLines().some((l) => l.reqId === 'trace-round-1' && l.msg === 'round merged'), 30_000);
    const roundLines = workerLines().filter((l) => l.reqId === 'trace-round-1');
    const solves = roundLines.filter((l) => l.queue === 'solve');
    expect(solves.length).toBeGreaterThan(0);
    // A solve's line says where its time went: reading, searching, storing (issue #21).
    const solved = solves.find((l) => l.msg === 'job completed');
    expect(solved?.steps, JSON.stringify(solved)).toMatchObject({ read: expect.any(Number), search: expect.any(Number), store: expect.any(Number) });
    for (const l of roundLines) expect(l, JSON.stringify(l)).toMatchObject({ roundId, jobId: expect.any(String), queue: expect.stringMatching(/^(solve|rounds)$/) });
    expect(roundLines.find((l) => l.msg === 'round merged')).toMatchObject({ queue: 'rounds', job: 'round.merge', outcome: 'stored' });

    expect((await call('POST', `/api/rounds/${roundId}/approve`)).status).toBe(200);
    expect((await call('POST', `/api/rounds/${roundId}/dispatch`)).status).toBe(200);

    // An emergency: from intake to the trip (the driver's batch) it was put on, under one id.
    const urgent = await call('POST', `/api/households/${h2!.id}/needs`,
      { kind: 'medicine', details: { drug: DRUG, strength: '5 mg', quantity: 1, urgency: 'emergency' } }, 'trace-urgent-1');
    expect(urgent.status).toBe(201);
    const urgentNeedId = ((await urgent.json()) as { need: { id: string } }).need.id;
    await until(() => workerLines().some((l) => l.reqId === 'trace-urgent-1' && l.msg === 'urgent insertion'), 20_000);
    const placed = workerLines().find((l) => l.reqId === 'trace-urgent-1' && l.msg === 'urgent insertion');
    expect(placed).toMatchObject({ queue: 'urgent', needId: urgentNeedId, outcome: 'inserted', roundId, tripId: expect.any(String) });
    const trip = await database.db.selectFrom('round_trips').select(['id', 'round_id']).where('id', '=', placed!.tripId as string).executeTakeFirstOrThrow();
    expect(trip.round_id).toBe(roundId);

    // Medical details stay out of every line of both processes.
    expect(apiText).toContain('trace-urgent-1');
    expect(apiText).not.toContain(DRUG);
    expect(workerText).not.toContain(DRUG);
  }, 90_000);
});
