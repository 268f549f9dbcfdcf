/** Smoke test of the same intake flow on embedded PGlite (the default without DATABASE_URL), across a restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, seedSmallGrid, startServer } from './intake.fixture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordon-pglite-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

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
    try {
      const list = (await (await call(second.url, token, 'GET', `/api/households/${h1}/needs`)).json()) as { needs: { kind: string; history: { note: string | null }[] }[] };
      expect(list.needs).toHaveLength(1);
      expect(list.needs[0]?.history.at(-1)?.note).toMatch(/merged duplicate/);
      const n = await second.database.db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(4);
      const outbox = await second.database.db.selectFrom('outbox').select('topic').execute();
      expect(outbox.filter((o) => o.topic === 'need.urgent')).toHaveLength(1);
    } finally {
      await second.stop();
    }
    // PGlite start-up (WASM, initdb of a fresh directory) takes seconds, more on a busy machine.
  }, 120_000);
});
