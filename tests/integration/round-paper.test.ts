/**
 * A round's printed paper (issue #17, item 5): route sheets, loading lists and bag labels as PDF,
 * read back with pdf.js. Each has the trip's stops, bags and items by name in English or Chinese,
 * the labels' QR codes decode to bag id, corridor and flat, and no drug name is ever printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';
import { addFoodNeeds, addVans, plannedRound } from './desk.fixtures';
import { pdfPages, pdfQrCodes } from './pdf-read';

const DRUG = 'Zzsecretolol';
let world: World;
let dispatcher: string;
let roundId: string;
let trips: { id: string; trip_no: number; driver_id: string | null; vehicle: string; plate: string | null }[];

beforeAll(async () => {
  world = await startWorld('round_paper');
  const db = world.database.db;
  const { grid } = world;
  await addVans(world);
  const needs = await addFoodNeeds(world, [grid.h1, grid.h2, grid.h3, grid.h4]);
  roundId = await plannedRound(world, grid.district);
  // The allocation put a catalogue product in each package; a sealed medicine bag rides along on h4's stop.
  await db.insertInto('items').values({ code: 'rice_5kg', kind: 'item', name: '大米 5kg', unit: 'pack', weight_kg: 5, volume_l: 6 }).execute();
  await db.updateTable('round_needs').set({ items: JSON.stringify({ lines: [{ item: 'rice_5kg', quantity: 2 }], leftOut: [] }) }).where('round_id', '=', roundId).where('need_id', 'in', needs).execute();
  const medicine = await db.insertInto('needs').values({
    household_id: grid.h4, corridor_id: grid.c3, community_id: grid.m2, kind: 'medicine', identity_key: DRUG, details: JSON.stringify({ drug: DRUG, strength: '5 mg', quantity: 1, urgency: 'today' }),
    status: 'out_for_delivery', cycle: null, failure_reason: null, created_by: 'test',
  }).returning('id').executeTakeFirstOrThrow();
  const h4Stop = await db.selectFrom('round_bags as b').innerJoin('needs as n', 'n.id', 'b.need_id').select('b.stop_id').where('b.round_id', '=', roundId).where('n.household_id', '=', grid.h4).executeTakeFirstOrThrow();
  await db.insertInto('round_bags').values({ round_id: roundId, bag_id: `${medicine.id}-1`, stop_id: h4Stop.stop_id, need_id: medicine.id, item: 'medicine' }).execute();
  trips = await db.selectFrom('round_trips as t').innerJoin('vehicles as v', 'v.id', 't.vehicle_id')
    .select(['t.id', 't.trip_no', 't.driver_id', 'v.name as vehicle', 'v.plate']).where('t.round_id', '=', roundId).orderBy('v.name').orderBy('t.trip_no').execute();
  dispatcher = await world.login('dispatcher');
}, 60_000);
afterAll(async () => world?.close());

async function pdf(path: string, token = dispatcher, headers: Record<string, string> = {}): Promise<Buffer> {
  const res = await world.request('GET', path, { token, headers });
  expect(res.status, await res.clone().text().then((t) => t.slice(0, 300))).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return Buffer.from(await res.arrayBuffer());
}

/** The stops of a trip in order, with their gate's name and bag count, from the tables. */
async function stopsOf(tripId: string) {
  return world.database.db.selectFrom('round_stops as s').innerJoin('areas as a', 'a.id', 's.corridor_id')
    .select(['s.id', 'a.name as gate']).select((eb) => eb.selectFrom('round_bags as b').whereRef('b.stop_id', '=', 's.id').select((e) => e.fn.countAll<string>().as('n')).as('bags'))
    .where('s.round_id', '=', roundId).where('s.trip_id', '=', tripId).orderBy('s.seq').execute();
}

describe('route sheet', () => {
  it('lists the trip\'s stops in order by gate name with bag counts, the van, the driver and a handoff box', async () => {
    expect(trips.length).toBeGreaterThan(0);
    for (const trip of trips) {
      const text = (await pdfPages(await pdf(`/api/rounds/${roundId}/trips/${encodeURIComponent(trip.id)}/route-sheet.pdf?lang=en`))).join(' ');
      const stops = await stopsOf(trip.id);
      expect(stops.length).toBeGreaterThan(0);
      let at = -1;
      for (const s of stops) {
        const row = text.indexOf(`${s.gate} `, at + 1);
        expect(row, `${s.gate} after position ${at}`).toBeGreaterThan(at);
        at = row;
        expect(text).toContain(`${s.bags}:`);
      }
      const driver = await world.database.db.selectFrom('drivers').select('name').where('id', '=', trip.driver_id!).executeTakeFirstOrThrow();
      expect(text).toContain('Route sheet');
      expect(text).toContain(trip.plate!);
      expect(text).toContain(driver.name);
      expect(text).toContain('Handoff code (chief)');
      expect(text).not.toContain(DRUG);
    }
  });

  it('is Chinese with lang=zh-CN or Accept-Language zh, English by default', async () => {
    const path = `/api/rounds/${roundId}/trips/${encodeURIComponent(trips[0]!.id)}/route-sheet.pdf`;
    const zh = (await pdfPages(await pdf(`${path}?lang=zh-CN`))).join(' ');
    expect(zh).toContain('路线单');
    expect(zh).toContain('交接码');
    expect(zh).toContain(trips[0]!.plate!);
    expect((await pdfPages(await pdf(path, dispatcher, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' }))).join(' ')).toContain('路线单');
    expect((await pdfPages(await pdf(path))).join(' ')).toContain('Route sheet');
  });

  it('the trip\'s driver prints their own sheet; another driver, a unit chief and staff may not', async () => {
    const own = trips.find((t) => t.driver_id === world.grid.d1);
    const other = trips.find((t) => t.driver_id !== world.grid.d1);
    const driver = await world.login('driver');
    if (own) await pdf(`/api/rounds/${roundId}/trips/${encodeURIComponent(own.id)}/route-sheet.pdf`, driver);
    if (other) expect((await world.request('GET', `/api/rounds/${roundId}/trips/${encodeURIComponent(other.id)}/route-sheet.pdf`, { token: driver })).status).toBe(403);
    expect(own ?? other).toBeDefined();
    for (const role of ['coordinator', 'community_staff', 'resident'] as const) {
      const res = await world.request('GET', `/api/rounds/${roundId}/trips/${encodeURIComponent(trips[0]!.id)}/route-sheet.pdf`, { token: await world.login(role) });
      expect(res.status, role).toBe(403);
    }
  });
});

describe('loading list', () => {
  it('per trip: the bags by kind and the catalogue items with quantities, the medicine bag sealed and unnamed', async () => {
    const text = (await pdfPages(await pdf(`/api/rounds/${roundId}/loading-list.pdf?depotId=${world.grid.depot}&lang=en`))).join(' ');
    expect(text).toContain('Loading list');
    for (const t of trips) expect(text).toContain(`Trip ${t.trip_no} · ${t.vehicle} (${t.plate})`);
    expect(text).toContain('大米 5kg');
    expect(text).toContain('Medicine bag (sealed) × 1');
    expect(text).not.toContain(DRUG);
    // The quantities: 2 per food package on each trip, as the allocation says.
    const bags = await world.database.db.selectFrom('round_bags').select(['need_id', 'item']).where('round_id', '=', roundId).execute();
    expect(bags.filter((b) => b.item === 'food_package')).toHaveLength(4);
    const zh = (await pdfPages(await pdf(`/api/rounds/${roundId}/loading-list.pdf?depotId=${world.grid.depot}&lang=zh-CN`))).join(' ');
    expect(zh).toContain('装车单');
    expect(zh).toContain('药品袋（密封）');
  });

  it('without depotId: a list per depot the round loads at; a depot with no trip is 404', async () => {
    const pages = await pdfPages(await pdf(`/api/rounds/${roundId}/loading-list.pdf?lang=en`));
    expect(pages[0]).toContain('Loading list · Depot');
    expect(pages.join(' ')).toContain('大米 5kg');
    expect((await world.request('GET', `/api/rounds/${roundId}/loading-list.pdf?depotId=${crypto.randomUUID()}`, { token: dispatcher })).status).toBe(404);
  });
});

describe('bag labels', () => {
  it('a label per bag with its id, gate and flat; the QR codes decode to the same, nothing medical', async () => {
    const file = await pdf(`/api/rounds/${roundId}/bag-labels.pdf?lang=en`);
    const pages = await pdfPages(file);
    const bags = await world.database.db.selectFrom('round_bags as b').innerJoin('round_stops as s', 's.id', 'b.stop_id').innerJoin('areas as a', 'a.id', 's.corridor_id')
      .innerJoin('needs as n', 'n.id', 'b.need_id').innerJoin('households as h', 'h.id', 'n.household_id')
      .select(['b.bag_id', 'a.name as gate', 'h.address as flat']).where('b.round_id', '=', roundId).execute();
    expect(bags).toHaveLength(5);
    const text = pages.join(' ');
    for (const b of bags) expect(text).toContain(b.bag_id);
    expect(text).not.toContain(DRUG);
    const decoded = (await pdfQrCodes(file, 1, 2, 4)).map((d) => JSON.parse(d) as { bag: string; corridor: string; flat: string });
    expect(decoded).toHaveLength(Math.min(bags.length, 8));
    for (const d of decoded) {
      const bag = bags.find((b) => b.bag_id === d.bag);
      expect(bag, d.bag).toBeDefined();
      expect(d).toEqual({ bag: bag!.bag_id, corridor: bag!.gate, flat: bag!.flat });
    }
  });

  it('one trip\'s labels hold that trip\'s bags only', async () => {
    const trip = trips[0]!;
    const text = (await pdfPages(await pdf(`/api/rounds/${roundId}/bag-labels.pdf?tripId=${encodeURIComponent(trip.id)}`))).join(' ');
    const all = await world.database.db.selectFrom('round_bags as b').innerJoin('round_stops as s', 's.id', 'b.stop_id').select(['b.bag_id', 's.trip_id']).where('b.round_id', '=', roundId).execute();
    for (const b of all) expect(text.includes(b.bag_id), b.bag_id).toBe(b.trip_id === trip.id);
  });
});

describe('refusals', () => {
  it('bad input names the field; unknown things are 404; a round without a plan is 409; other roles 403', async () => {
    const trip = encodeURIComponent(trips[0]!.id);
    for (const [path, field] of [
      [`/api/rounds/${roundId}/trips/${trip}/route-sheet.pdf?lang=fr`, 'lang'],
      [`/api/rounds/not-a-round/trips/${trip}/route-sheet.pdf`, 'roundId'],
      [`/api/rounds/${roundId}/bag-labels.pdf?size=a5`, 'size'],
      [`/api/rounds/${roundId}/loading-list.pdf?depotId=depot-1`, 'depotId'],
    ] as const) {
      const res = await world.request('GET', path, { token: dispatcher });
      expect(res.status, path).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(((await res.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path[0]), path).toContain(field);
    }
    expect((await world.request('GET', `/api/rounds/${roundId}/trips/no-such-trip/route-sheet.pdf`, { token: dispatcher })).status).toBe(404);
    expect((await world.request('GET', `/api/rounds/${crypto.randomUUID()}/bag-labels.pdf`, { token: dispatcher })).status).toBe(404);
    const draft = await world.database.db.insertInto('rounds').values({ area_id: world.grid.m1, kind: 'medicine', status: 'draft', time_limit_ms: 100, failure_reason: null, created_by: 'test', approved_by: null }).returning('id').executeTakeFirstOrThrow();
    expect((await world.request('GET', `/api/rounds/${draft.id}/bag-labels.pdf`, { token: dispatcher })).status).toBe(409);
    for (const role of ['driver', 'community_staff'] as const) {
      const token = await world.login(role);
      expect((await world.request('GET', `/api/rounds/${roundId}/bag-labels.pdf`, { token })).status, role).toBe(403);
      expect((await world.request('GET', `/api/rounds/${roundId}/loading-list.pdf?depotId=${world.grid.depot}`, { token })).status, role).toBe(403);
    }
  });
});
