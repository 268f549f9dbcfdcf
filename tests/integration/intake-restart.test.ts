/** Stopping the server and the database and starting them again loses nothing (PostgreSQL). */
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, openDatabase } from '../../src/store/db';
import { call, login, seedSmallGrid, startServer } from './intake.fixture';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const schema = `t_restart_${process.pid}_${Date.now().toString(36)}`;

afterAll(async () => {
  const db = await openDatabase({ url: PG_URL, schema });
  await dropSchema(db);
  await db.close();
});

describe('restart', () => {
  it('keeps needs, histories, idempotency keys and sessions across a restart', async () => {
    const first = await startServer({ url: PG_URL, schema, poolSize: 3 });
    const grid = await seedSmallGrid(first.database, 'restart');
    const token = await login(first.url, 'admin.restart');
    const ids: string[] = [];
    for (const [i, h] of grid.households.entries()) {
      const res = await call(first.url, token, 'POST', `/api/households/${h}/needs`, { kind: 'rice', details: { kg: 5 + i } }, { 'idempotency-key': `restart-key-${i}` });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { need: { id: string } }).need.id);
    }
    const cancelled = await call(first.url, token, 'POST', `/api/needs/${ids[0]}/cancel`, { reason: 'moved out' });
    expect(cancelled.status).toBe(200);
    await first.stop();

    const second = await startServer({ url: PG_URL, schema, poolSize: 3 });
    try {
      // The session survived too: the same token still works.
      const got = (await (await call(second.url, token, 'GET', `/api/needs/${ids[0]}`)).json()) as { status: string; history: { to: string }[] };
      expect(got.status).toBe('cancelled');
      expect(got.history.map((h) => h.to)).toEqual(['submitted', 'accepted', 'cancelled']);
      for (const [i, h] of grid.households.entries()) {
        const list = (await (await call(second.url, token, 'GET', `/api/households/${h}/needs`)).json()) as { needs: { id: string }[] };
        expect(list.needs.map((n) => n.id)).toEqual([ids[i]]);
      }
      // A retry after the restart still replays the first answer instead of writing again.
      const retry = await call(second.url, token, 'POST', `/api/households/${grid.households[1]}/needs`, { kind: 'rice', details: { kg: 6 } }, { 'idempotency-key': 'restart-key-1' });
      expect(retry.status).toBe(201);
      expect(((await retry.json()) as { need: { id: string } }).need.id).toBe(ids[1]);
      const count = await second.database.db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(3);
    } finally {
      await second.stop();
    }
  });
});
