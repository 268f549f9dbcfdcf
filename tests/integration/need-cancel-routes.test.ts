/**
 * `POST /api/needs/:needId/cancel` on the real app and PostgreSQL for a need a round carries: before
 * dispatch 200, the stop loses the need and the dispatch desk gets `round.manifest_changed` through the
 * app's live publisher (a retry with the same Idempotency-Key is replayed, nothing published twice);
 * once the round is dispatched a 409 problem naming round, batch and stop.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { liveEventSchema, type Envelope, type LiveEvent, type Scope } from '../../src/contracts/events';
import { buildApp } from '../../src/http/app';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { defineItem, defineKit } from '../../src/services/stock/kit.service';
import type { LivePublisher, Staged } from '../../src/services/live-status/live.service';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { ledgerMismatches } from '../../src/store/stock-read.repository';

import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
let server: Server;
let base: string;
let token: string;
let roundId: string;
const fanned: Envelope[] = [];
/** The scopes and event of each staged store, for its release. */
const events = new Map<Staged, { scopes: readonly Scope[]; event: LiveEvent }>();

/** The app's publisher, recording what it fans out (events checked against the schema as the real one does). */
const live: LivePublisher = {
  store: async (_trx, scopes, event) => {
    const checked = liveEventSchema.parse(event);
    const staged = { rowIds: [] };
    events.set(staged, { scopes, event: checked });
    return [staged];
  },
  storeMany: async () => [],
  release: async (staged) => {
    const envelopes = staged.flatMap((s) => events.get(s)!.scopes.map((scope, i) => ({ id: '00000000-0000-4000-8000-000000000001', scope, seq: i + 1, at: new Date().toISOString(), event: events.get(s)!.event })));
    fanned.push(...envelopes);
    return envelopes;
  },
  fanOut: async () => undefined,
  publish: async () => [],
  disconnectSession: async () => undefined,
  disconnectUser: async () => undefined,
};

const cancel = (needId: string, key?: string) => fetch(`${base}/api/needs/${needId}/cancel`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
  body: JSON.stringify({ reason: 'moved away' }),
});

beforeAll(async () => {
  database = await openTestDatabase('need_cancel_routes');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 3, vehicles: 1 });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, DATABASE_SCHEMA: database.schema });
  const deps = { config, db: database.db, database, logger: createLogger({ level: 'silent' }), clock: systemClock };
  server = await new Promise((resolve) => {
    const s = buildApp({ ...deps, live }).listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await createAccount(deps, { username: 'disp.cancel', password: 'correct horse battery', role: 'dispatcher', assignments: {} }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'disp.cancel', password: 'correct horse battery' }) });
  token = ((await login.json()) as { token: string }).token;

  const d = { db: database.db, clock: systemClock };
  await defineItem(d, { code: 'rice-5kg', name: 'Rice 5 kg', unit: 'pack', weightKg: 5, volumeL: 6 });
  await defineKit(d, 'food_package', { name: 'Food package', variants: [{ name: 'all', minMembers: 1, maxMembers: 30, lines: [{ code: 'rice-5kg', quantity: 1 }] }] });
  await receiveStock(d, { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 50 }, 'clerk');
  const { round } = await startRound({ db: database.db, producers: { ready: () => true, addRoundFlow: async () => undefined }, defaultTimeLimitMs: 150 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
  roundId = round.id;
  for (const s of await listSubproblems(database.db, roundId)) await solveSubproblem({ db: database.db, now: () => performance.now() }, roundId, s.id);
  expect(await mergeRound(database.db, roundId, systemClock)).toBe('stored');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await dropSchema(database);
  await database.close();
});

const reserved = async () => Number((await sql<{ r: number }>`select coalesce(sum(reserved), 0)::int as r from stock_balances where item_code = 'rice-5kg'`.execute(database.db)).rows[0]!.r);

describe('cancel route for a need a round carries', () => {
  it('before dispatch: 200, the stop loses the need, the desk hears of it; a retry with the key is replayed', async () => {
    const stop = (await readPlan(database.db, roundId)).trips[0]!.stops[0]!;
    const needId = stop.bags[0]!.needId;
    const before = await reserved();
    const res = await cancel(needId, 'cancel-key-1');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { need: { status: string } }).need.status).toBe('cancelled');
    expect(await reserved()).toBe(before - 1);
    const after = (await readPlan(database.db, roundId)).trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId)));
    expect(after).not.toContain(needId);
    expect(fanned.map((e) => e.scope)).toContain('dispatch');
    expect(fanned[0]!.event).toMatchObject({ type: 'round.manifest_changed', roundId, needId, stopId: stop.id });

    const again = await cancel(needId, 'cancel-key-1');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await reserved()).toBe(before - 1);
    expect(fanned).toHaveLength(2); // dispatch + corridor, once
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('after dispatch: 409 problem naming the round, batch and stop; nothing changes', async () => {
    await approveRound(database.db, roundId, 'd');
    await dispatchRound(database.db, roundId, 'd', systemClock);
    const plan = await readPlan(database.db, roundId);
    const stop = plan.trips[0]!.stops[0]!;
    const needId = stop.bags[0]!.needId;
    const res = await cancel(needId);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'invalid_transition', roundId, batchId: `${roundId}_${plan.trips[0]!.id}`, stopId: stop.id });
    expect(String(body.detail)).toContain('on the van');
    const status = await database.db.selectFrom('needs').select('status').where('id', '=', needId).executeTakeFirstOrThrow();
    expect(status.status).toBe('out_for_delivery');
    expect(fanned).toHaveLength(2);
  });
});
