/**
 * Smoke tests on embedded PGlite (the default without DATABASE_URL, the one-command start): the intake
 * flow across a restart, then the register import on the restarted server (the batched upsert matches
 * and updates there too). One data directory for both: every PGlite start-up costs seconds of CPU.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, seedSmallGrid, startServer, type Running } from './intake.fixture';

let dir: string;
/** The server the restart test started on the same directory, left running for the next test. */
let restarted: Running | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordon-pglite-'));
});
afterAll(async () => {
  await restarted?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('PGlite', () => {
  it('accepts, merges, replays, imports and keeps it all across a restart', async () => {
    const first = await startServer({ dataDir: dir });
    expect(first.database.kind).toBe('pglite');
    const grid = await seedSmallGrid(first.database, 'lite');
    const token = await login(first.url, 'admin.lite');
    const [h1, h2] = grid.households as [string, string];

    const a = await call(first.url, token, 'POST', `/api/households/${h1}/needs`, { kind: 'medicine', details: { drug: 'Insulin', strength: '100 IU/ml', quantity: 2, urgency: 'emergency' } }, { 'idempotency-key': 'lite-key-0001' });
    expect(a.status).toBe(201);
    const replay = await call(first.url, token, 'POST', `/api/households/${h1}/needs`, { kind: 'medicine', details: { drug: 'Insulin', strength: '100 IU/ml', quantity: 2, urgency: 'emergency' } }, { 'idempotency-key': 'lite-key-0001' });
    expect(replay.status).toBe(201);
    const merged = await call(first.url, token, 'POST', `/api/households/${h1}/needs`, { kind: 'medicine', onDuplicate: 'add', details: { drug: 'insulin', strength: '100 iu/ml', quantity: 1 } });
    expect(merged.status).toBe(200);
    expect(((await merged.json()) as { need: { details: { quantity: number } } }).need.details.quantity).toBe(3);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => call(first.url, token, 'POST', `/api/households/${h2}/needs`, { kind: 'oil', details: { litres: 1 } }, { 'idempotency-key': 'lite-key-0002' })));
    expect(new Set(await Promise.all(concurrent.map(async (r) => ((await r.json()) as { need: { id: string } }).need.id))).size).toBe(1);
    const imported = await call(first.url, token, 'POST', `/api/corridors/${grid.corridor}/needs/import`, 'address,kind,kg\nFlat 103,rice,5\nFlat 102,rice,10\n', { 'content-type': 'text/csv' });
    expect(imported.status).toBe(201);
    const bad = await call(first.url, token, 'POST', `/api/corridors/${grid.corridor}/needs/import`, 'address,kind,kg\nFlat 103,gas,5\n', { 'content-type': 'text/csv' });
    expect(bad.status).toBe(422);
    await first.stop();

    const second = await startServer({ dataDir: dir });
    restarted = second;
    const list = (await (await call(second.url, token, 'GET', `/api/households/${h1}/needs`)).json()) as { needs: { kind: string; history: { note: string | null }[] }[] };
    expect(list.needs).toHaveLength(1);
    expect(list.needs[0]?.history.at(-1)?.note).toMatch(/merged duplicate/);
    const n = await second.database.db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(4);
    const outbox = await second.database.db.selectFrom('outbox').select('topic').execute();
    expect(outbox.filter((o) => o.topic === 'need.urgent')).toHaveLength(1);
    // PGlite start-up (WASM, initdb of a fresh directory) takes seconds, more on a busy machine.
  }, 120_000);

  it('imports a register file on PGlite and a re-import updates without duplicating', async () => {
    // The restarted server of the test above (alone, with -t: a fresh directory of its own).
    const server = restarted ?? (restarted = await startServer({ dataDir: dir }));
    expect(server.database.kind).toBe('pglite');
    // A corridor of its own: the rows below are this corridor's, whatever else the database holds.
    const grid = await seedSmallGrid(server.database, 'litereg');
    const token = await login(server.url, 'admin.litereg');
    const file = (members: number) => `corridor_id,address,members,phone,infection_status,lat,lon\n${grid.corridor},Flat 101,${members},13800000000,positive,31.2,121.4\n${grid.corridor},Lite Flat 201,2,,none,31.2,121.4\n`;
    const first = await call(server.url, token, 'POST', '/api/households/import', file(4), { 'content-type': 'text/csv' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ created: 1, updated: 1, infectionStatusChanged: 1 });
    const again = await call(server.url, token, 'POST', '/api/households/import', file(5), { 'content-type': 'text/csv' });
    expect(await again.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const rows = await server.database.db.selectFrom('households').select(['address', 'members']).where('corridor_id', '=', grid.corridor).orderBy('address').execute();
    expect(rows).toEqual([{ address: 'Flat 101', members: 5 }, { address: 'Flat 102', members: 4 }, { address: 'Flat 103', members: 4 }, { address: 'Lite Flat 201', members: 2 }]);
  }, 120_000);
});
