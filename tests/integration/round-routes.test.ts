/**
 * The dispatcher's round routes on the real app, PostgreSQL and Redis: 100 concurrent starts make
 * one round, one preparation job and, once prepared, one flow; a Redis outage answers 503 problem+json at once; approve and dispatch.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { buildApp } from '../../src/http/app';
import { createProducers, type Producers } from '../../src/queue/producers';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { mergeRound, prepareAndQueue } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { REDIS_URL, dropPrefix, startPrivateRedis, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from './round.fixtures';

const prefix = uniquePrefix('rroutes');
let database: Database;
let district: District;
let producers: Producers;
let server: Server;
let base: string;
let token: string;
let residentToken: string;
let activeQueue: Producers;

/** What the `round.prepare` job does in a worker. */
const prepare = (roundId: string) => prepareAndQueue({ db: database.db, producers }, roundId);

async function call(method: string, path: string, body?: unknown, bearer = token): Promise<Response> {
  return fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

beforeAll(async () => {
  database = await openTestDatabase('round_routes');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 3, householdsPerCorridor: 3, vehicles: 3 });
  producers = createProducers({ redisUrl: REDIS_URL, prefix });
  activeQueue = producers;
  await until(() => producers.ready(), 3000);
  // A round started without a budget takes the operator's SOLVE_TIME_LIMIT_MS (here short, as the in-process solves below wait for it).
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, DATABASE_SCHEMA: database.schema, SOLVE_TIME_LIMIT_MS: '300' });
  const deps = { config, db: database.db, database, logger: createLogger({ level: 'silent' }), clock: systemClock };
  // A queue that can be swapped for one on a Redis the test kills.
  const queue: Producers = { ...producers, ready: () => activeQueue.ready(), addRoundFlow: (r, s, g) => activeQueue.addRoundFlow(r, s, g) };
  const app = buildApp({ ...deps, queue });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cheap = { scryptCost: { N: 1024, r: 8, p: 1 } };
  await createAccount(deps, { username: 'disp.rounds', password: 'correct horse battery', role: 'dispatcher', assignments: {} }, cheap);
  const login = async (username: string) => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'correct horse battery' }) });
    return ((await res.json()) as { token: string }).token;
  };
  token = await login('disp.rounds');
  const household = await database.db.selectFrom('households').select('id').limit(1).executeTakeFirstOrThrow();
  await createAccount(deps, { username: 'res.rounds', password: 'correct horse battery', role: 'resident', assignments: { householdId: household.id } }, cheap);
  residentToken = await login('res.rounds');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('round routes', () => {
  it('the same round requested 100 times at once: one round, one flow', async () => {
    const responses = await Promise.all(Array.from({ length: 100 }, () => call('POST', '/api/rounds', { areaId: district.districtId, kind: 'food' })));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ id: string; status: string }>));
    expect(responses.map((r) => r.status).sort((a, b) => b - a)).toEqual([201, ...Array<number>(99).fill(200)]);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    const roundId = bodies[0]!.id;
    const rounds = await database.db.selectFrom('rounds').select(['id', 'time_limit_ms']).where('area_id', '=', district.districtId).execute();
    expect(rounds).toHaveLength(1);
    // Started without a budget: the operator's SOLVE_TIME_LIMIT_MS, not a built-in 10 s.
    expect(rounds[0]!.time_limit_ms).toBe(300);
    // Answered as a draft: a worker prepares it (a district's preparation takes minutes), one job for all 100.
    expect(new Set(bodies.map((b) => b.status))).toEqual(new Set(['draft']));
    expect(await listSubproblems(database.db, roundId)).toEqual([]);
    expect(await producers.queue(QUEUE.rounds).getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect((await producers.queue(QUEUE.rounds).getJob(jobId('round.prepare', roundId)))?.data).toMatchObject({ roundId });
    // The worker's part, twice (a retried job): prepared once, one flow.
    expect((await prepare(roundId)).status).toBe('planning');
    expect((await prepare(roundId)).status).toBe('planning');
    const subs = await listSubproblems(database.db, roundId);
    expect(subs).toHaveLength(2);
    expect(await producers.queue(QUEUE.solve).getJobCounts('waiting', 'active', 'delayed')).toMatchObject({ waiting: 2 });
    expect(await producers.queue(QUEUE.rounds).getJobCounts('waiting-children')).toEqual({ 'waiting-children': 1 });
    expect(await producers.queue(QUEUE.rounds).getJob(jobId('round.merge', roundId))).toBeTruthy();
  });

  it('status, proposal, approve and dispatch; others are refused', async () => {
    const started = await call('POST', '/api/rounds', { areaId: district.districtId, kind: 'food' });
    const { id } = (await started.json()) as { id: string };
    // Play the workers' part in-process: this file tests the routes, the worker tests the queue.
    await prepare(id);
    for (const s of await listSubproblems(database.db, id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, id, s.id);
    expect(await mergeRound(database.db, id)).toBe('stored');
    const status = (await (await call('GET', `/api/rounds/${id}`)).json()) as { status: string; progress: number; subproblems: { total: number; solved: number } };
    expect(status).toMatchObject({ status: 'proposed', progress: 100, subproblems: { total: 2, solved: 2 } });
    const proposal = (await (await call('GET', `/api/rounds/${id}/proposal`)).json()) as { trips: { stops: { bags: unknown[] }[] }[]; loadingList: { bags: number }[]; unserved: unknown[] };
    const bags = proposal.trips.flatMap((t) => t.stops.flatMap((s) => s.bags)).length;
    expect(proposal.loadingList.reduce((a, l) => a + l.bags, 0)).toBe(bags);
    expect((await call('POST', `/api/rounds/${id}/dispatch`)).status).toBe(409);
    expect((await call('POST', `/api/rounds/${id}/approve`)).status).toBe(200);
    const dispatched = await call('POST', `/api/rounds/${id}/dispatch`);
    expect(dispatched.status).toBe(200);
    expect(((await dispatched.json()) as { status: string }).status).toBe('dispatched');
    const audited = await sql<{ action: string }>`select action from audit_log where subject_id = ${id} and outcome = 'allowed' order by id`.execute(database.db);
    expect(audited.rows.map((r) => r.action).filter((a) => a.startsWith('round.'))).toEqual(['round.start', 'round.approve', 'round.dispatch']);
    expect((await call('GET', `/api/rounds/${id}`, undefined, residentToken)).status).toBe(403);
    expect((await call('POST', '/api/rounds', { areaId: district.districtId, kind: 'food', extra: 1 })).status).toBe(422);
  });

  it('answers 503 problem+json at once while Redis is down, and creates nothing', async () => {
    const redis = await startPrivateRedis();
    const own = createProducers({ redisUrl: redis.url, prefix });
    try {
      await until(() => own.ready(), 3000);
      activeQueue = own;
      await redis.stop();
      const other = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 1, householdsPerCorridor: 1, vehicles: 1 }, 99);
      // Once the producer has seen Redis go, the route refuses on its state, before any wait for Redis.
      await until(() => !own.ready(), 10_000);
      const res = await call('POST', '/api/rounds', { areaId: other.districtId, kind: 'food' });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await database.db.selectFrom('rounds').select('id').where('area_id', '=', other.districtId).execute()).toEqual([]);
    } finally {
      activeQueue = producers;
      await own.close();
      await redis.stop();
    }
  });

  it('a dispatcher moves and locks stops of a proposal, then re-plans the rest through the queue', async () => {
    const d = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 4, householdsPerCorridor: 5, vehicles: 3, capacityBags: 20 }, 55);
    // Only this district's small vans: its 20 households then need more than one trip.
    await database.db.updateTable('vehicles').set({ active: false }).where('id', 'not in', d.vehicleIds).execute();
    const { id } = (await (await call('POST', '/api/rounds', { areaId: d.districtId, kind: 'food', timeLimitMs: 200 })).json()) as { id: string };
    await prepare(id);
    for (const s of await listSubproblems(database.db, id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, id, s.id);
    await mergeRound(database.db, id);
    type Proposal = { trips: { id: string; stops: { id: string; locked: boolean; bags: unknown[] }[] }[] };
    const proposal = (await (await call('GET', `/api/rounds/${id}/proposal`)).json()) as Proposal;
    const bagsOf = (t: Proposal['trips'][0]) => t.stops.reduce((a, s) => a + s.bags.length, 0);
    // A stop and another trip with room for it (vans of 20 bags).
    const pair = proposal.trips.flatMap((from) => proposal.trips.filter((to) => to !== from).flatMap((to) =>
      from.stops.filter((s) => bagsOf(to) + s.bags.length <= 20).map((stop) => ({ to, stop })))).at(0);
    expect(pair, JSON.stringify(proposal.trips.map((t) => t.stops.map((s) => s.bags.length)))).toBeDefined();
    const { to, stop } = pair!;
    const full = proposal.trips.find((t) => t !== to && bagsOf(t) > 20 - 1);
    if (full) {
      // Refused by the plan validator: a 409 problem naming the rule, nothing stored.
      const refused = await call('POST', `/api/rounds/${id}/stops/${to.stops[0]!.id}/move`, { tripId: full.id, position: 0 });
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'plan_rule_broken', rule: 'capacity:bags' });
    }
    const moved = await call('POST', `/api/rounds/${id}/stops/${stop.id}/move`, { tripId: to.id, position: 0 });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as Proposal).trips.find((t) => t.id === to.id)!.stops[0]).toMatchObject({ id: stop.id, locked: true });
    expect((await call('POST', `/api/rounds/${id}/stops/${to.stops[0]!.id}/lock`, { locked: true })).status).toBe(200);
    expect((await call('POST', `/api/rounds/${id}/stops/${stop.id}/move`, { tripId: to.id })).status).toBe(422);
    const replanned = await call('POST', `/api/rounds/${id}/replan`);
    expect(replanned.status).toBe(202);
    expect(((await replanned.json()) as { status: string }).status).toBe('planning');
    expect(await producers.queue(QUEUE.rounds).getJob(jobId('round.merge', id, 'g2'))).toBeTruthy();
    expect((await call('POST', `/api/rounds/${id}/replan`)).status).toBe(409);
  });

  it('a gate\'s receiving hours: until before from is a 422 problem naming until; a dispatcher may not set them', async () => {
    const corridor = await database.db.selectFrom('areas').select('id').where('kind', '=', 'corridor').limit(1).executeTakeFirstOrThrow();
    const path = `/api/corridors/${corridor.id}/receiving-hours`;
    const backwards = await call('PUT', path, { from: '11:00', until: '08:00' });
    expect(backwards.status).toBe(422);
    expect(backwards.headers.get('content-type')).toContain('application/problem+json');
    expect(((await backwards.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path)).toEqual([['until']]);
    expect((await call('PUT', path, { from: '8:00', until: null })).status).toBe(422);
    expect((await call('PUT', path, { from: '08:00', until: '11:00', extra: 1 })).status).toBe(422);
    expect((await call('PUT', path, { from: '08:00', until: '11:00' })).status).toBe(403);
  });
});
