/**
 * The household register API (issue #15, item 2) on PostgreSQL: create, change, list; who may do
 * what (community staff in their community, unit chiefs read-only on their corridors, admins
 * everywhere); bad input refused naming the field; audit rows for every change and for each
 * change of infection status.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey } from '../../src/domain/household-register';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  w = await startWorld('hhregister');
  await w.database.db.updateTable('areas').set({ lat: 31.21, lon: 121.41 }).where('kind', '=', 'corridor').execute();
  for (const role of ['admin', 'community_staff', 'coordinator', 'dispatcher', 'driver', 'resident'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

const create = (body: unknown, token = tokens.community_staff) => w.request('POST', '/api/households', { token, body });
const change = (id: string, body: unknown, token = tokens.community_staff) => w.request('PATCH', `/api/households/${id}`, { token, body });
const auditOf = (subjectId: string) =>
  w.database.db.selectFrom('audit_log').select(['action', 'outcome', 'actor_role']).where('subject_id', '=', subjectId).orderBy('id').execute();

describe('household register API', () => {
  it('creates a household in the caller’s community, with the corridor’s coordinates by default, audited', async () => {
    const res = await create({ corridorId: w.grid.c1, address: 'B1 Unit 1, Flat 601', members: 3, pregnant: true, phone: '+86 138 0013 8000' });
    expect(res.status).toBe(201);
    const h = (await res.json()) as Record<string, unknown>;
    expect(h).toMatchObject({ corridorId: w.grid.c1, communityId: w.grid.m1, members: 3, pregnant: true, infant: false, infectionStatus: 'none', protectiveHandling: false, lat: 31.21, lon: 121.41, phone: '+86 138 0013 8000' });
    expect(await auditOf(h.id as string)).toEqual([{ action: 'household.create', outcome: 'allowed', actor_role: 'community_staff' }]);
  });

  it('refuses the same address twice in a corridor (409 naming address), whatever the spacing and case', async () => {
    expect((await create({ corridorId: w.grid.c1, address: 'B1 Unit 1, Flat 602', members: 1 })).status).toBe(201);
    const res = await create({ corridorId: w.grid.c1, address: '  b1 unit 1,   FLAT 602 ', members: 2 });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['address']);
  });

  it('refuses bad input with problem+json naming each field, never echoing the value', async () => {
    const res = await create({ corridorId: w.grid.c1, address: '', members: 31, phone: 'call me', infectionStatus: 'sick', colour: 'red' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string[] }[] };
    expect(body.errors.map((e) => e.path.join('.')).sort()).toEqual(['address', 'colour', 'infectionStatus', 'members', 'phone']);
    expect(JSON.stringify(body)).not.toContain('call me');
    const unknownCorridor = await create({ corridorId: '00000000-0000-4000-8000-000000000000', address: 'x', members: 1 });
    expect(unknownCorridor.status).toBe(422);
    expect(((await unknownCorridor.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['corridorId']);
    expect((await change(w.grid.h1, {})).status).toBe(422);
  });

  it('community staff write only in their community; unit chiefs, dispatchers, drivers and residents not at all (403, audited)', async () => {
    expect((await create({ corridorId: w.grid.c3, address: 'M2 flat', members: 1 })).status).toBe(403);
    expect((await change(w.grid.h4, { members: 2 })).status).toBe(403);
    for (const role of ['coordinator', 'dispatcher', 'driver', 'resident'] as const) {
      expect((await create({ corridorId: w.grid.c1, address: `flat of ${role}`, members: 1 }, tokens[role])).status, role).toBe(403);
      expect((await change(w.grid.h1, { members: 2 }, tokens[role])).status, role).toBe(403);
    }
    expect((await auditOf(w.grid.h4)).at(-1)).toMatchObject({ action: 'household.update', outcome: 'denied' });
    // Admins everywhere.
    expect((await create({ corridorId: w.grid.c3, address: 'M2 flat', members: 1 }, tokens.admin)).status).toBe(201);
    expect((await change(w.grid.h4, { members: 2 }, tokens.admin)).status).toBe(200);
  });

  it('a change of infection status is audited on its own and reported with the open needs it affects', async () => {
    const need = await w.request('POST', `/api/households/${w.grid.h2}/needs`, { token: tokens.community_staff, body: { kind: 'rice', details: { kg: 5 } } });
    expect(need.status).toBe(201);
    const res = await change(w.grid.h2, { infectionStatus: 'positive', infant: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ household: { id: w.grid.h2, infectionStatus: 'positive', protectiveHandling: true, infant: true }, openNeeds: 1 });
    const plain = await change(w.grid.h2, { members: 4 });
    expect(plain.status).toBe(200);
    expect((await auditOf(w.grid.h2)).filter((a) => a.action.startsWith('household.') && a.outcome === 'allowed').map((a) => a.action))
      .toEqual(['household.update', 'household.infection_status.change', 'household.update']);
  });

  it('moves a household to another corridor of the caller’s community, not outside it', async () => {
    expect((await change(w.grid.h3, { corridorId: w.grid.c3 })).status).toBe(403);
    const need = await w.request('POST', `/api/households/${w.grid.h3}/needs`, { token: tokens.community_staff, body: { kind: 'gas', details: { cylinders: 1 } } });
    const needId = ((await need.json()) as { need: { id: string } }).need.id;
    const res = await change(w.grid.h3, { corridorId: w.grid.c1 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ household: { corridorId: w.grid.c1, communityId: w.grid.m1 } });
    // Its waiting need follows it to the new gate; one a round holds keeps it where it is.
    const moved = await w.database.db.selectFrom('needs').select(['corridor_id']).where('id', '=', needId).executeTakeFirstOrThrow();
    expect(moved.corridor_id).toBe(w.grid.c1);
    await w.database.db.updateTable('needs').set({ status: 'planned' }).where('id', '=', needId).execute();
    const held = await change(w.grid.h3, { corridorId: w.grid.c2 });
    expect(held.status).toBe(409);
    expect(((await held.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['corridorId']);
  });

  it('lists within reach: unit chiefs their corridors, community staff their communities, admins all', async () => {
    const list = async (token: string | undefined, query = '') => {
      const res = await w.request('GET', `/api/households${query}`, { token: token ?? null });
      return { status: res.status, ids: res.status === 200 ? ((await res.json()) as { households: { corridorId: string; communityId: string }[] }).households : [] };
    };
    const coordinator = await list(tokens.coordinator);
    expect(coordinator.status).toBe(200);
    expect(coordinator.ids.length).toBeGreaterThan(0);
    expect(coordinator.ids.every((h) => h.corridorId === w.grid.c1)).toBe(true);
    expect((await list(tokens.coordinator, `?corridorId=${w.grid.c3}`)).status).toBe(403);
    const staff = await list(tokens.community_staff);
    expect(staff.ids.every((h) => h.communityId === w.grid.m1)).toBe(true);
    expect((await list(tokens.community_staff, `?communityId=${w.grid.m2}`)).status).toBe(403);
    const all = await list(tokens.admin, '?infectionStatus=positive');
    expect(all.ids.length).toBe(1);
    expect((await list(tokens.driver)).status).toBe(403);
    expect((await list(tokens.admin, '?limit=0')).status).toBe(422);
  });

  it('the address key of the database is the one the import computes', async () => {
    const samples = ['Flat 101', '  FLAT\t101 ', 'Bldg 3\r\nUnit 2  Flat 5', '3号楼 2单元 501室', 'ÄÖ Flat', 'a  b'];
    const rows = await sql<{ k: string }>`select translate(btrim(regexp_replace(a, '[ \\t\\r\\n]+', ' ', 'g'), ' '), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') as k from unnest(${samples}::text[]) with ordinality as t(a, n) order by n`.execute(w.database.db);
    expect(rows.rows.map((r) => r.k)).toEqual(samples.map(addressKey));
    const stored = await w.database.db.insertInto('households').values({ corridor_id: w.grid.c2, community_id: w.grid.m1, address: samples[2]!, members: 1, lat: 31.2, lon: 121.4 }).returning('address_key').executeTakeFirstOrThrow();
    expect(stored.address_key).toBe(addressKey(samples[2]!));
  });
});
