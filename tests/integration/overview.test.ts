/**
 * GET /api/overview (issue #17, item 3): every figure equals a count computed here from the tables
 * (in JavaScript, not with the route's SQL), community staff see their community only, an area
 * narrows the communities, and bad input is refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverviewResponse } from '../../src/contracts/overview.contract';
import { foodCycleAt } from '../../src/domain/food-cycle';
import { startWorld, type World } from './auth.fixture';
import { needScene } from './desk.fixtures';

let world: World;
let dispatcher: string;
let staff: string;
let cycleId: string;
let since: Date;
const HOUR = 3600_000;

beforeAll(async () => {
  world = await startWorld('overview');
  const db = world.database.db;
  const { grid } = world;
  const now = new Date();
  const cycle = foodCycleAt(now, world.config.FOOD_CYCLE_DAYS);
  cycleId = cycle.id;
  since = cycle.start;
  await needScene(world, cycleId);
  // Gate hours set after planning: C1 open until 10:00 (on time), C3 only 07:00-08:00 (late once out), C2 none.
  await db.updateTable('areas').set({ receiving_from_min: 480, receiving_until_min: 600 }).where('id', '=', grid.c1).execute();
  await db.updateTable('areas').set({ receiving_from_min: 420, receiving_until_min: 480 }).where('id', '=', grid.c3).execute();

  // Stock: 28 units delivered two days ago (in the 14-day window), 5 twenty days ago (outside it).
  await db.insertInto('items').values({ code: 'rice_5kg', kind: 'item', name: '大米 5kg', unit: 'pack', weight_kg: 5, volume_l: 6 }).execute();
  const lot = await db.insertInto('stock_lots').values({ depot_id: grid.depot, item_code: 'rice_5kg', received_at: new Date(now.getTime() - 30 * 24 * HOUR) }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('stock_balances').values({ depot_id: grid.depot, item_code: 'rice_5kg', on_hand: 100, reserved: 10 }).execute();
  for (const [delta, daysAgo] of [[-28, 2], [-5, 20]] as const) {
    await db.insertInto('stock_ledger').values({ depot_id: grid.depot, item_code: 'rice_5kg', lot_id: lot.id, movement: 'deduction', on_hand_delta: delta, reserved_delta: 0, actor: 'test', at: new Date(now.getTime() - daysAgo * 24 * HOUR) }).execute();
  }

  // Passes: issued and overdue in M1, at hospital in M2, one returned (closed) in M1.
  const hospital = await db.insertInto('hospitals').values({ name: 'H', lat: 31.2, lon: 121.4 }).returning('id').executeTakeFirstOrThrow();
  for (const [household, corridor, community, status] of [[grid.h1, grid.c1, grid.m1, 'issued'], [grid.h2, grid.c1, grid.m1, 'overdue'], [grid.h4, grid.c3, grid.m2, 'at_hospital'], [grid.h3, grid.c2, grid.m1, 'returned']] as const) {
    await db.insertInto('passes').values({
      household_id: household, corridor_id: corridor, community_id: community, person: 'P', hospital_id: hospital.id, reason: 'r',
      appointment_at: new Date(now.getTime() + HOUR), visit_ends_at: new Date(now.getTime() + 2 * HOUR), status, created_by: 'test', needs_escort: false, needs_wheelchair: false, created_at: now, updated_at: now,
      valid_from: new Date(now.getTime() - HOUR), valid_until: new Date(now.getTime() + 3 * HOUR),
    }).execute();
  }

  // Emergencies in M1: assigned after 10 and 20 minutes (one done after 30), one waiting; one in M2 before the window.
  const accepted = new Date(Math.max(since.getTime(), now.getTime() - 2 * HOUR) + 60_000);
  const plus = (s: number) => new Date(accepted.getTime() + s * 1000);
  const cases = [
    { household_id: grid.h1, corridor_id: grid.c1, community_id: grid.m1, status: 'done', accepted_at: accepted, trip_assigned_at: plus(600), done_at: plus(1800) },
    { household_id: grid.h2, corridor_id: grid.c1, community_id: grid.m1, status: 'trip_assigned', accepted_at: accepted, trip_assigned_at: plus(1200), done_at: null },
    { household_id: grid.h3, corridor_id: grid.c2, community_id: grid.m1, status: 'accepted', accepted_at: accepted, trip_assigned_at: null, done_at: null },
    { household_id: grid.h4, corridor_id: grid.c3, community_id: grid.m2, status: 'done', accepted_at: new Date(since.getTime() - HOUR), trip_assigned_at: since, done_at: since },
  ] as const;
  for (const c of cases) await db.insertInto('emergency_cases').values({ ...c, kind: 'acute_illness', created_by: 'test' }).execute();

  dispatcher = await world.login('dispatcher');
  staff = await world.login('community_staff');
}, 60_000);
afterAll(async () => world?.close());

async function overview(query = '', token = dispatcher): Promise<OverviewResponse> {
  const res = await world.request('GET', `/api/overview${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as OverviewResponse;
}

/** Linear interpolation between closest ranks (PostgreSQL's percentile_cont). */
function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const at = p * (v.length - 1);
  const lo = Math.floor(at);
  return Math.round(v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (at - lo));
}

describe('GET /api/overview', () => {
  it('needs, the cycle, unserved and failed per community equal the tables', async () => {
    const body = await overview();
    const needs = await world.database.db.selectFrom('needs').select(['community_id', 'kind', 'status', 'cycle', 'updated_at', 'failure_reason']).execute();
    const open = new Set(['submitted', 'accepted', 'planned', 'out_for_delivery']);
    expect(body.communities.map((c) => c.communityName)).toEqual(['M1', 'M2']);
    for (const c of body.communities) {
      const mine = needs.filter((n) => n.community_id === c.communityId);
      const expected = new Map<string, number>();
      for (const n of mine.filter((n) => open.has(n.status) || new Date(n.updated_at) >= since)) expected.set(`${n.kind}/${n.status}`, (expected.get(`${n.kind}/${n.status}`) ?? 0) + 1);
      expect(new Map(c.needs.map((n) => [`${n.kind}/${n.status}`, n.count]))).toEqual(expected);
      const packages = mine.filter((n) => n.kind === 'food_package' && n.cycle === cycleId);
      const owed = packages.filter((n) => n.status !== 'cancelled').length;
      const delivered = packages.filter((n) => n.status === 'delivered').length;
      expect(c.cycle).toMatchObject({ owed, delivered, share: owed ? delivered / owed : null });
      const failed = mine.filter((n) => n.status === 'failed');
      expect(c.failed.map((f) => [f.reason, f.count])).toEqual(failed.length ? [[failed[0]!.failure_reason, failed.length]] : []);
    }
    const [m1, m2] = body.communities;
    expect(m1!.cycle.owed).toBe(3);
    expect(m1!.failed.reduce((s, f) => s + f.count, 0)).toBeGreaterThan(0);
    const unservedList = { status: 'accepted', unservedReason: 'no-vehicle', since: since.toISOString() };
    expect(m2!.unserved).toEqual([{ reason: 'no-vehicle', count: 1, list: { communityId: m2!.communityId, ...unservedList }, href: `/api/communities/${m2!.communityId}/needs?${new URLSearchParams(unservedList)}` }]);
    expect(m1!.unserved).toEqual([]);
  });

  it('deliveries on time and late against the gate hours, counted from the stored stops and history', async () => {
    const db = world.database.db;
    const body = await overview();
    const stops = await db.selectFrom('round_stops as s').innerJoin('areas as a', 'a.id', 's.corridor_id')
      .select(['s.id', 's.round_id', 's.status', 'a.community_id', 'a.receiving_until_min']).where('s.status', '=', 'delivered').execute();
    const bags = await db.selectFrom('round_bags').select(['stop_id', 'need_id', 'round_id']).execute();
    const history = await db.selectFrom('need_status_history').select(['need_id', 'to_status', 'at']).execute();
    const first = (needIds: string[], status: string) => Math.min(...history.filter((h) => needIds.includes(h.need_id) && h.to_status === status).map((h) => new Date(h.at).getTime()));
    for (const c of body.communities) {
      const expected = { onTime: 0, late: 0, noWindow: 0 };
      for (const s of stops.filter((x) => x.community_id === c.communityId)) {
        if (s.receiving_until_min === null) { expected.noWindow++; continue; }
        const out = first(bags.filter((b) => b.round_id === s.round_id).map((b) => b.need_id), 'out_for_delivery');
        const at = first(bags.filter((b) => b.stop_id === s.id).map((b) => b.need_id), 'delivered');
        if (at <= out + (s.receiving_until_min - 480) * 60_000) expected.onTime++; else expected.late++;
      }
      expect(c.deliveries, c.communityName).toMatchObject(expected);
      expect(c.deliveries.href).toBe(`/api/rounds?${new URLSearchParams({ areaId: c.communityId, status: 'dispatched,in_progress,completed', from: since.toISOString() })}`);
    }
    expect(body.communities[0]!.deliveries.onTime).toBeGreaterThan(0);
    expect(body.communities[1]!.deliveries.late).toBeGreaterThan(0);
  });

  it('stock cover, passes and emergencies equal the tables', async () => {
    const body = await overview();
    expect(body.stock).toEqual([expect.objectContaining({ depotName: 'Depot', itemCode: 'rice_5kg', itemName: '大米 5kg', onHand: 100, available: 90, dailyUse: 2, daysOfCover: 50, href: `/api/stock/balances?depotId=${world.grid.depot}&itemCode=rice_5kg` })]);
    const passes = await world.database.db.selectFrom('passes').select(['community_id', 'status']).execute();
    for (const c of body.communities) {
      const mine = passes.filter((p) => p.community_id === c.communityId);
      expect(c.passes.inFlight.count).toBe(mine.filter((p) => ['issued', 'outbound_done', 'at_hospital', 'return_done'].includes(p.status)).length);
      expect(c.passes.overdue.count).toBe(mine.filter((p) => p.status === 'overdue').length);
      expect(c.passes.overdue.href).toBe(`/api/communities/${c.communityId}/passes?status=overdue`);
    }
    const cases = (await world.database.db.selectFrom('emergency_cases').selectAll().execute()).filter((c) => new Date(c.accepted_at) >= since);
    const secs = (a: Date | null, b: Date) => (a ? (new Date(a).getTime() - new Date(b).getTime()) / 1000 : null);
    const assign = cases.map((c) => secs(c.trip_assigned_at, c.accepted_at)).filter((s): s is number => s !== null);
    const done = cases.map((c) => secs(c.done_at, c.accepted_at)).filter((s): s is number => s !== null);
    expect(body.emergencies).toMatchObject({
      total: cases.length, waiting: cases.filter((c) => c.status === 'accepted').length, assigned: cases.filter((c) => c.status === 'trip_assigned').length, done: cases.filter((c) => c.status === 'done').length,
      assignP50S: percentile(assign, 0.5), assignP90S: percentile(assign, 0.9), doneP50S: percentile(done, 0.5), doneP90S: percentile(done, 0.9),
    });
    expect(body.emergencies.assignP90S).toBe(1140);
  });

  it('community staff see their community only; an area narrows the communities', async () => {
    const mine = await overview('', staff);
    expect(mine.communities.map((c) => c.communityName)).toEqual(['M1']);
    expect(mine.emergencies.total).toBe(3);
    expect((await overview(`?areaId=${world.grid.m2}`, staff)).communities).toEqual([]);
    const m2 = await overview(`?areaId=${world.grid.m2}`);
    expect(m2.communities.map((c) => c.communityName)).toEqual(['M2']);
    expect(m2.emergencies.total).toBe(0);
    expect((await overview(`?areaId=${world.grid.street}`)).communities.map((c) => c.communityName)).toEqual(['M1', 'M2']);
  });

  it('a later window start leaves out what closed before it', async () => {
    const future = new Date(Date.now() + HOUR).toISOString();
    const body = await overview(`?since=${encodeURIComponent(future)}`);
    expect(body.since).toBe(new Date(future).toISOString());
    expect(body.communities.flatMap((c) => c.needs.filter((n) => n.status === 'delivered' || n.status === 'failed'))).toEqual([]);
    expect(body.emergencies.total).toBe(0);
  });

  it('other roles are refused; bad input is refused naming the field', async () => {
    for (const role of ['resident', 'coordinator', 'driver'] as const) {
      expect((await world.request('GET', '/api/overview', { token: await world.login(role) })).status).toBe(403);
    }
    for (const [query, field, status] of [[`?areaId=${world.grid.c1}`, 'areaId', 422], ['?areaId=x', 'areaId', 422], ['?since=monday', 'since', 422], ['?lang=zh', 'lang', 422]] as const) {
      const res = await world.request('GET', `/api/overview${query}`, { token: dispatcher });
      expect(res.status, query).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(((await res.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path[0])).toContain(field);
    }
    expect((await world.request('GET', `/api/overview?areaId=${crypto.randomUUID()}`, { token: dispatcher })).status).toBe(404);
  });
});
