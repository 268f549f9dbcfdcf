/** The register import on embedded PGlite (the one-command start): the batched upsert matches and updates there too. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, login, seedSmallGrid, startServer } from './intake.fixture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordon-pglite-register-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

it('imports a register file on PGlite and a re-import updates without duplicating', async () => {
  const server = await startServer({ dataDir: dir });
  try {
    expect(server.database.kind).toBe('pglite');
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
  } finally {
    await server.stop();
  }
});
