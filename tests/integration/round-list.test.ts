/**
 * GET /api/rounds (issue #17, item 2): filters (area and below, kind, status, start time), paging
 * without gaps or repeats, progress and served/unserved counts equal to the stored plan, community
 * staff limited to rounds touching their community, and bad query refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoundListResponse, RoundListRow } from '../../src/contracts/round-list.contract';
import { startWorld, type World } from './auth.fixture';
import { addFoodNeeds, addVans, plannedRound } from './desk.fixtures';

let world: World;
let dispatcher: string;
let staff: string;
let dispatched: string;
const extra: { id: string; areaId: string; kind: string; status: string; at: string }[] = [];

beforeAll(async () => {
  world = await startWorld('round_list');
  await addVans(world);
  await addFoodNeeds(world, [world.grid.h1, world.grid.h2, world.grid.h3, world.grid.h4]);
  dispatched = await plannedRound(world, world.grid.district);
  // Older rounds of each shape, written as rows (the list reads rows; how they were planned does not matter here).
  const db = world.database.db;
  const shapes = [
    { areaId: world.grid.m1, kind: 'medicine', status: 'completed', at: '2026-11-20T08:00:00Z', by: 'scheduler' },
    { areaId: world.grid.m2, kind: 'food', status: 'failed', at: '2026-11-21T08:00:00Z', by: 'someone' },
    { areaId: world.grid.c3, kind: 'mixed', status: 'proposed', at: '2026-11-22T08:00:00Z', by: 'someone' },
    { areaId: world.grid.b1, kind: 'food', status: 'completed', at: '2026-11-23T08:00:00Z', by: 'scheduler' },
  ] as const;
  for (const s of shapes) {
    const row = await db.insertInto('rounds').values({
      area_id: s.areaId, kind: s.kind, status: s.status, time_limit_ms: 1000, failure_reason: s.status === 'failed' ? 'no vehicles' : null,
      created_by: s.by, approved_by: null, created_at: s.at, updated_at: new Date(Date.parse(s.at) + 3600_000).toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    extra.push({ id: row.id, areaId: s.areaId, kind: s.kind, status: s.status, at: s.at });
  }
  dispatcher = await world.login('dispatcher');
  staff = await world.login('community_staff');
}, 60_000);
afterAll(async () => world?.close());

async function list(query: string, token = dispatcher): Promise<RoundListResponse> {
  const res = await world.request('GET', `/api/rounds${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as RoundListResponse;
}
const ids = (rows: RoundListRow[]) => rows.map((r) => r.id);

describe('GET /api/rounds', () => {
  it('lists every round newest first, with the area by name, progress and counts as stored', async () => {
    const { rounds, nextOffset } = await list('');
    expect(nextOffset).toBeNull();
    expect(ids(rounds)).toEqual([dispatched, ...extra.map((e) => e.id).reverse()]);
    const db = world.database.db;
    const stops = await db.selectFrom('round_stops').select('status').where('round_id', '=', dispatched).execute();
    const served = await db.selectFrom('round_bags').select('need_id').distinct().where('round_id', '=', dispatched).execute();
    const unserved = await db.selectFrom('round_unserved').select('need_id').where('round_id', '=', dispatched).execute();
    expect(stops.length).toBeGreaterThan(0);
    expect(rounds[0]).toMatchObject({
      status: 'dispatched', kind: 'food', areaName: 'D', scheduled: false, finishedAt: null,
      stops: { total: stops.length, delivered: 0, failed: 0 }, needs: { served: served.length, unserved: unserved.length },
    });
    expect(served.length + unserved.length).toBe(4);
    const completed = rounds.find((r) => r.id === extra[0]!.id)!;
    expect(completed).toMatchObject({ areaName: 'M1', scheduled: true, startedAt: '2026-11-20T08:00:00.000Z', finishedAt: '2026-11-20T09:00:00.000Z' });
    expect(rounds.find((r) => r.id === extra[1]!.id)).toMatchObject({ status: 'failed', failureReason: 'no vehicles' });
  });

  it('progress follows the stops once they close', async () => {
    const db = world.database.db;
    const first = await db.selectFrom('round_stops').select('id').where('round_id', '=', dispatched).orderBy('id').limit(1).executeTakeFirstOrThrow();
    await db.updateTable('round_stops').set({ status: 'delivered' }).where('id', '=', first.id).execute();
    try {
      expect((await list('?status=dispatched')).rounds[0]!.stops.delivered).toBe(1);
    } finally {
      await db.updateTable('round_stops').set({ status: 'loaded' }).where('id', '=', first.id).execute();
    }
  });

  it('filters by kind, status and start time, each alone and together', async () => {
    expect(ids((await list('?kind=medicine,mixed')).rounds)).toEqual([extra[2]!.id, extra[0]!.id]);
    expect(ids((await list('?status=completed')).rounds)).toEqual([extra[3]!.id, extra[0]!.id]);
    expect(ids((await list('?from=2026-11-21T00:00:00Z&to=2026-11-23T00:00:00Z')).rounds)).toEqual([extra[2]!.id, extra[1]!.id]);
    expect(ids((await list('?kind=food&status=completed,failed&from=2026-11-21T00:00:00Z')).rounds)).toEqual([extra[3]!.id, extra[1]!.id]);
  });

  it('filters by area: rounds of the area or below it, and rounds that claimed needs in it', async () => {
    // M2: its own failed round, C3's round below it, and the district round that claimed h4's need.
    expect(ids((await list(`?areaId=${world.grid.m2}`)).rounds)).toEqual([dispatched, extra[2]!.id, extra[1]!.id]);
    // B1 (in M1): its own round and the district round (h1-h3 live there); not M1's round above it.
    expect(ids((await list(`?areaId=${world.grid.b1}`)).rounds)).toEqual([dispatched, extra[3]!.id]);
  });

  it('pages with limit and offset: every round once, in order', async () => {
    const all = ids((await list('')).rounds);
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page: RoundListResponse = await list(`?limit=2&offset=${offset}`);
      expect(page.rounds.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.rounds));
      offset = page.nextOffset;
    }
    expect(seen).toEqual(all);
  });

  it('community staff see only rounds touching their community', async () => {
    // Staff of M1: M1's round, B1's round (below M1) and the district round (it claimed needs in M1); never M2's or C3's.
    expect(ids((await list('', staff)).rounds)).toEqual([dispatched, extra[3]!.id, extra[0]!.id]);
    expect(ids((await list(`?areaId=${world.grid.m2}`, staff)).rounds)).toEqual([dispatched]);
  });

  it('other roles are refused (403), and no token is 401', async () => {
    for (const role of ['resident', 'coordinator', 'driver'] as const) {
      expect((await world.request('GET', '/api/rounds', { token: await world.login(role) })).status).toBe(403);
    }
    expect((await world.request('GET', '/api/rounds')).status).toBe(401);
  });

  it('bad query values are refused with problem+json naming the field', async () => {
    const cases: [string, string][] = [
      ['?kind=lorry', 'kind'], ['?status=done', 'status'], ['?areaId=nope', 'areaId'], ['?from=yesterday', 'from'],
      ['?from=2026-11-23T00:00:00Z&to=2026-11-21T00:00:00Z', 'to'], ['?limit=0', 'limit'], ['?limit=501', 'limit'], ['?offset=-1', 'offset'], ['?sort=id', 'sort'],
    ];
    for (const [query, field] of cases) {
      const res = await world.request('GET', `/api/rounds${query}`, { token: dispatcher });
      expect(res.status, query).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = (await res.json()) as { errors?: { path: (string | number)[]; in?: string }[] };
      expect(body.errors?.map((e) => String(e.path[0])), query).toContain(field);
    }
  });
});
