/**
 * Keeping the grid through the API (issue #15, item 1) on PostgreSQL: create, rename, move and
 * retire areas; who may do what (admins everywhere, community staff in their communities, only
 * admins retire, unit chiefs and dispatchers read); bad input refused naming the field; audit rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  w = await startWorld('areaadmin');
  for (const role of ['admin', 'community_staff', 'coordinator', 'dispatcher'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

type AreaBody = { id: string; kind: string; parentId: string | null; communityId: string | null; name: string; lat: number | null; retiredAt: string | null };
type Problem = { errors?: { path: string[] }[]; holds?: Record<string, number>; detail?: string };

const create = (body: unknown, token = tokens.admin) => w.request('POST', '/api/areas', { token, body });
const change = (id: string, body: unknown, token = tokens.admin) => w.request('PATCH', `/api/areas/${id}`, { token, body });
const retire = (id: string, token = tokens.admin) => w.request('POST', `/api/areas/${id}/retire`, { token });
const auditOf = (subjectId: string) =>
  w.database.db.selectFrom('audit_log').select(['action', 'outcome', 'actor_role']).where('subject_id', '=', subjectId).orderBy('id').execute();
async function made(body: unknown, token = tokens.admin): Promise<AreaBody> {
  const res = await create(body, token);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as AreaBody;
}
const pathsOf = async (res: Response) => ((await res.json()) as Problem).errors?.map((e) => e.path.join('.')).sort();

describe('grid API', () => {
  it('an admin builds street > community > building > corridor (and a corridor straight under a community), each audited', async () => {
    const street = await made({ kind: 'street', name: 'North Street', parentId: w.grid.district, lat: 31.3, lon: 121.5 });
    const community = await made({ kind: 'community', name: 'Pine Garden', parentId: street.id });
    expect(community).toMatchObject({ kind: 'community', parentId: street.id, communityId: community.id, retiredAt: null });
    const building = await made({ kind: 'building', name: 'Building 7', parentId: community.id });
    const corridor = await made({ kind: 'corridor', name: 'Building 7 Unit 2', parentId: building.id, lat: 31.31, lon: 121.51 });
    expect(corridor).toMatchObject({ communityId: community.id, lat: 31.31 });
    const gate = await made({ kind: 'corridor', name: 'Gate 3', parentId: community.id });
    expect(gate.communityId).toBe(community.id);
    for (const a of [street, community, building, corridor, gate]) expect(await auditOf(a.id)).toEqual([{ action: 'area.create', outcome: 'allowed', actor_role: 'admin' }]);
    const read = await w.request('GET', `/api/areas/${community.id}`, { token: tokens.admin });
    expect(((await read.json()) as { children: AreaBody[] }).children.map((c) => c.name)).toEqual(['Building 7', 'Gate 3']);
  });

  it('an admin\'s tree had no root to start from before a corridor existed: GET /api/areas lists the districts; residents and drivers may not', async () => {
    const res = await w.request('GET', '/api/areas', { token: tokens.admin });
    expect(res.status).toBe(200);
    const { areas } = (await res.json()) as { areas: AreaBody[] };
    expect(areas.map((a) => a.id)).toEqual([w.grid.district]);
    expect(areas[0]).toMatchObject({ kind: 'district', parentId: null });
    expect((await w.request('GET', '/api/areas')).status).toBe(401);
    for (const role of ['resident', 'driver'] as const) expect((await w.request('GET', '/api/areas', { token: await w.login(role) })).status).toBe(403);
  });

  it('refuses bad input with problem+json naming each field', async () => {
    const bad = await create({ kind: 'corridor', name: '', parentId: w.grid.b1, lat: 91, colour: 'red' });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await pathsOf(bad)).toEqual(['colour', 'lat', 'name']);
    const wrongLevel = await create({ kind: 'corridor', name: 'X', parentId: w.grid.street });
    expect(wrongLevel.status).toBe(422);
    expect(await pathsOf(wrongLevel)).toEqual(['parentId']);
    expect(await pathsOf(await create({ kind: 'building', name: 'X', parentId: '00000000-0000-4000-8000-000000000000' }))).toEqual(['parentId']);
    expect(await pathsOf(await create({ kind: 'street', name: 'X' }))).toEqual(['parentId']);
    expect((await change(w.grid.c1, {})).status).toBe(422);
    expect(await pathsOf(await change(w.grid.c1, { parentId: w.grid.street }))).toEqual(['parentId']);
  });

  it('refuses a second area of the same name under a parent (409 naming name), whatever the spacing and case', async () => {
    await made({ kind: 'corridor', name: 'Unit 9', parentId: w.grid.b1 });
    const twice = await create({ kind: 'corridor', name: '  unit   9 ', parentId: w.grid.b1 });
    expect(twice.status).toBe(409);
    expect(await pathsOf(twice)).toEqual(['name']);
    expect((await create({ kind: 'corridor', name: 'Unit 9', parentId: w.grid.b2 })).status).toBe(201);
    const rename = await change(w.grid.c2, { name: 'UNIT 9' });
    expect(rename.status).toBe(409);
  });

  it('community staff write inside their community only; unit chiefs and dispatchers not at all (403, audited)', async () => {
    const mine = await made({ kind: 'corridor', name: 'Staff unit', parentId: w.grid.b1 }, tokens.community_staff);
    expect(mine.communityId).toBe(w.grid.m1);
    expect((await change(mine.id, { name: 'Staff unit A', lat: 31.2, lon: 121.4 }, tokens.community_staff)).status).toBe(200);
    expect((await create({ kind: 'corridor', name: 'Not mine', parentId: w.grid.b2 }, tokens.community_staff)).status).toBe(403);
    expect((await create({ kind: 'community', name: 'New community', parentId: w.grid.street }, tokens.community_staff)).status).toBe(403);
    expect((await change(w.grid.c3, { name: 'C3 renamed' }, tokens.community_staff)).status).toBe(403);
    expect((await auditOf(w.grid.c3)).at(-1)).toMatchObject({ action: 'area.update', outcome: 'denied' });
    // Moving their corridor out of their community is moving it into someone else's.
    expect((await change(mine.id, { parentId: w.grid.b2 }, tokens.community_staff)).status).toBe(403);
    expect((await retire(mine.id, tokens.community_staff)).status).toBe(403);
    for (const role of ['coordinator', 'dispatcher'] as const) {
      expect((await create({ kind: 'corridor', name: `by ${role}`, parentId: w.grid.b1 }, tokens[role])).status, role).toBe(403);
      expect((await change(w.grid.c1, { name: `by ${role}` }, tokens[role])).status, role).toBe(403);
    }
    expect((await auditOf(mine.id)).map((a) => [a.action, a.outcome, a.actor_role])).toEqual([
      ['area.create', 'allowed', 'community_staff'], ['area.rename', 'allowed', 'community_staff'], ['area.move', 'denied', 'community_staff'], ['area.retire', 'denied', 'community_staff'],
    ]);
  });

  it('moves within a community always; to another community only once no household lives under it (409 naming parentId)', async () => {
    const b3 = await made({ kind: 'building', name: 'B3', parentId: w.grid.m1 });
    const moved = await change(w.grid.c2, { parentId: b3.id });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ parentId: b3.id, communityId: w.grid.m1 });
    const refused = await change(b3.id, { parentId: w.grid.m2 });
    expect(refused.status).toBe(409);
    expect(await pathsOf(refused)).toEqual(['parentId']);
    // An empty building goes, and its corridors' community goes with it.
    const empty = await made({ kind: 'building', name: 'B4', parentId: w.grid.m1 });
    const inside = await made({ kind: 'corridor', name: 'B4 U1', parentId: empty.id });
    expect((await change(empty.id, { parentId: w.grid.m2, name: 'B4 moved' })).status).toBe(200);
    const row = await w.database.db.selectFrom('areas').select(['community_id']).where('id', '=', inside.id).executeTakeFirstOrThrow();
    expect(row.community_id).toBe(w.grid.m2);
    expect((await auditOf(empty.id)).map((a) => a.action)).toEqual(['area.create', 'area.move', 'area.rename']);
  });

  it('only admins retire, and only an area that holds nothing; a retired area is kept, listed on request, and no longer changes', async () => {
    const holding = await retire(w.grid.c1);
    expect(holding.status).toBe(409);
    expect(((await holding.json()) as Problem).holds).toMatchObject({ households: 2 });
    expect(((await (await retire(w.grid.b1)).json()) as Problem).holds?.activeChildren).toBeGreaterThan(0);
    const spare = await made({ kind: 'corridor', name: 'To retire', parentId: w.grid.b2 });
    const res = await retire(spare.id);
    expect(res.status).toBe(200);
    expect(((await res.json()) as AreaBody).retiredAt).not.toBeNull();
    expect((await retire(spare.id)).status).toBe(409);
    expect((await change(spare.id, { name: 'Back' })).status).toBe(409);
    const children = async (q: string) => ((await (await w.request('GET', `/api/areas/${w.grid.b2}${q}`, { token: tokens.admin })).json()) as { children: AreaBody[] }).children.map((c) => c.id);
    expect(await children('')).not.toContain(spare.id);
    expect(await children('?includeRetired=true')).toContain(spare.id);
    // Its name is free again under the parent, and nothing was deleted.
    expect((await create({ kind: 'corridor', name: 'To retire', parentId: w.grid.b2 })).status).toBe(201);
    expect(await w.database.db.selectFrom('areas').select('id').where('id', '=', spare.id).executeTakeFirst()).toBeDefined();
    expect((await auditOf(spare.id)).map((a) => a.action)).toEqual(['area.create', 'area.retire']);
    // A retired building is no parent.
    const gone = await made({ kind: 'building', name: 'Gone', parentId: w.grid.m2 });
    expect((await retire(gone.id)).status).toBe(200);
    const under = await create({ kind: 'corridor', name: 'x', parentId: gone.id });
    expect(under.status).toBe(422);
    expect(await pathsOf(under)).toEqual(['parentId']);
  });
});
