/**
 * The gate's per-door check-off and photos (issue #17, item 6), through the API on PostgreSQL:
 * ticks are stored and shown again with the gate's deliveries, a replayed tick changes nothing
 * (the phone's offline queue), a failed door fails its needs and cannot be handed over after, the
 * handoff answers with what was checked, and photos are type- and size-checked and served only to
 * those who may see the stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';
import { addFoodNeeds, addVans, plannedRound } from './desk.fixtures';

const photoDir = mkdtempSync(join(tmpdir(), 'cordon-gate-photos-'));
let world: World;
let chief: string;
let roundId: string;
let stopH1: string;
let stopH2: string;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really the rest of a png, but its signature')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]);

beforeAll(async () => {
  world = await startWorld('gate_checkoff', { env: { GATE_PHOTO_DIR: photoDir, GATE_PHOTO_MAX_BYTES: '2048' } });
  await addVans(world);
  await addFoodNeeds(world, [world.grid.h1, world.grid.h2, world.grid.h3, world.grid.h4]);
  roundId = await plannedRound(world, world.grid.district);
  const stopOf = async (householdId: string) => (await world.database.db.selectFrom('round_bags as b').innerJoin('needs as n', 'n.id', 'b.need_id')
    .select('b.stop_id').where('b.round_id', '=', roundId).where('n.household_id', '=', householdId).executeTakeFirstOrThrow()).stop_id;
  stopH1 = String(await stopOf(world.grid.h1));
  stopH2 = String(await stopOf(world.grid.h2));
  chief = await world.login('coordinator');
}, 60_000);
afterAll(async () => {
  await world?.close();
  rmSync(photoDir, { recursive: true, force: true });
});

const tick = (stopId: string, householdId: string, body: unknown, token = chief) =>
  world.request('PUT', `/api/corridors/${world.grid.c1}/deliveries/${stopId}/households/${householdId}/check-off`, { token, body });
const needStatuses = async (householdId: string) => (await world.database.db.selectFrom('needs').select('status').where('household_id', '=', householdId).where('kind', '=', 'food_package').execute()).map((n) => n.status);

describe('per-door check-off', () => {
  it('a handed-over door is stored, shown with the gate\'s deliveries, and the same tick again changes nothing', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const first = await tick(stopH1, world.grid.h1, { outcome: 'handed_over', checkedAt: at });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { checkOff: { outcome: string; checkedAt: string; recordedAt: string }; replayed: boolean };
    expect(body).toMatchObject({ replayed: false, checkOff: { householdId: world.grid.h1, outcome: 'handed_over', reason: null, checkedAt: new Date(at).toISOString() } });
    const again = (await (await tick(stopH1, world.grid.h1, { outcome: 'handed_over', checkedAt: new Date().toISOString() })).json()) as typeof body;
    expect(again).toEqual({ ...body, replayed: true });
    const gate = (await (await world.request('GET', `/api/corridors/${world.grid.c1}/deliveries`, { token: chief })).json()) as { deliveries: { stopId: string; households: { householdId: string; checkOff: unknown }[] }[] };
    const h1 = gate.deliveries.find((d) => d.stopId === stopH1)!.households.find((h) => h.householdId === world.grid.h1)!;
    expect(h1.checkOff).toEqual(body.checkOff);
    expect(await needStatuses(world.grid.h1)).toEqual(['out_for_delivery']);
  });

  it('a failed door fails its needs once; replayed it changes nothing; it cannot be handed over after', async () => {
    const res = await tick(stopH2, world.grid.h2, { outcome: 'failed', reason: 'no_answer', checkedAt: new Date().toISOString() });
    expect(res.status).toBe(200);
    expect(await needStatuses(world.grid.h2)).toEqual(['failed']);
    const history = async () => world.database.db.selectFrom('need_status_history as h').innerJoin('needs as n', 'n.id', 'h.need_id').select('h.id').where('n.household_id', '=', world.grid.h2).execute();
    const before = (await history()).length;
    expect(((await (await tick(stopH2, world.grid.h2, { outcome: 'failed', reason: 'no_answer', checkedAt: new Date().toISOString() })).json()) as { replayed: boolean }).replayed).toBe(true);
    expect((await history()).length).toBe(before);
    const late = await tick(stopH2, world.grid.h2, { outcome: 'handed_over', checkedAt: new Date().toISOString() });
    expect(late.status).toBe(409);
  });

  it('refuses bad ticks naming the field, and other people\'s corridors', async () => {
    for (const [body, field] of [
      [{ outcome: 'failed', checkedAt: new Date().toISOString() }, 'reason'],
      [{ outcome: 'handed_over', reason: 'no_answer', checkedAt: new Date().toISOString() }, 'reason'],
      [{ outcome: 'handed_over', checkedAt: new Date(Date.now() + 3600_000).toISOString() }, 'checkedAt'],
      [{ outcome: 'delivered', checkedAt: new Date().toISOString() }, 'outcome'],
      [{ outcome: 'handed_over' }, 'checkedAt'],
      [{ outcome: 'handed_over', checkedAt: new Date().toISOString(), photo: 'x' }, 'photo'],
    ] as const) {
      const res = await tick(stopH1, world.grid.h1, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(((await res.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path[0])).toContain(field);
    }
    expect((await tick(stopH1, world.grid.h3, { outcome: 'handed_over', checkedAt: new Date().toISOString() })).status).toBe(404);
    for (const role of ['driver', 'resident'] as const) {
      expect((await tick(stopH1, world.grid.h1, { outcome: 'handed_over', checkedAt: new Date().toISOString() }, await world.login(role))).status, role).toBe(403);
    }
  });

  it('the handoff answers with what was checked; a stop handed over takes no failed door', async () => {
    const stop = (await sql<{ handoff_code: string }>`select handoff_code from round_stops where id = ${stopH1}::bigint`.execute(world.database.db)).rows[0]!;
    const households = new Set((await world.database.db.selectFrom('round_bags as b').innerJoin('needs as n', 'n.id', 'b.need_id').select('n.household_id').where('b.stop_id', '=', stopH1).execute()).map((r) => r.household_id));
    const ticks = (await sql<{ household_id: string; outcome: string }>`select household_id, outcome from gate_checkoffs where stop_id = ${stopH1}::bigint`.execute(world.database.db)).rows;
    const res = await world.request('POST', `/api/corridors/${world.grid.c1}/deliveries/${stopH1}/handoff`, { token: chief, body: { code: stop.handoff_code } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({
      status: 'delivered',
      checked: { handedOver: ticks.filter((t) => t.outcome === 'handed_over').length, failed: ticks.filter((t) => t.outcome === 'failed').length, unchecked: households.size - ticks.length },
    });
    expect((await tick(stopH1, world.grid.h1, { outcome: 'failed', reason: 'refused', checkedAt: new Date().toISOString() })).status).toBe(409);
    // A tick the phone queued before the handoff still replays cleanly after it.
    expect((await tick(stopH1, world.grid.h1, { outcome: 'handed_over', checkedAt: new Date().toISOString() })).status).toBe(200);
  });
});

describe('photos at the gate', () => {
  const post = (stopId: string, bytes: Buffer, type: string, query = '', token = chief) =>
    fetch(`${world.url}/api/corridors/${world.grid.c1}/deliveries/${stopId}/photos${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: bytes });

  it('stores a photo of a door and serves it to the gate and the trip\'s driver, not to others', async () => {
    const res = await post(stopH2, PNG, 'image/png', `?householdId=${world.grid.h2}`);
    expect(res.status, await res.clone().text()).toBe(201);
    const { photo } = (await res.json()) as { photo: { id: string; href: string; contentType: string; bytes: number; householdId: string } };
    expect(photo).toMatchObject({ contentType: 'image/png', bytes: PNG.length, householdId: world.grid.h2 });
    const gate = (await (await world.request('GET', `/api/corridors/${world.grid.c1}/deliveries`, { token: chief })).json()) as { deliveries: { stopId: string; photos: unknown[] }[] };
    expect(gate.deliveries.find((d) => d.stopId === stopH2)!.photos).toEqual([{ id: photo.id, householdId: world.grid.h2, href: photo.href }]);
    const read = async (token: string | null) => world.request('GET', photo.href, { token });
    const mine = await read(chief);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await mine.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await read(await world.login('community_staff'))).status).toBe(200);
    expect((await read(await world.login('dispatcher'))).status).toBe(200);
    const trip = await world.database.db.selectFrom('round_stops as s').innerJoin('round_trips as t', (j) => j.onRef('t.round_id', '=', 's.round_id').onRef('t.id', '=', 's.trip_id'))
      .select('t.driver_id').where('s.id', '=', stopH2).executeTakeFirstOrThrow();
    // The fixture's driver account is d1: it reads the photo exactly when it drives this stop's trip.
    expect((await read(await world.login('driver'))).status).toBe(trip.driver_id === world.grid.d1 ? 200 : 403);
    expect((await read(await world.login('resident'))).status).toBe(403);
    expect((await read(null)).status).toBe(401);
    // The same photo under another stop's path is not found.
    expect((await world.request('GET', photo.href.replace(`/${stopH2}/`, `/${stopH1 === stopH2 ? '999999' : stopH1}/`), { token: chief })).status).toBe(404);
  });

  it('checks type by content and size, and who attaches', async () => {
    expect((await post(stopH2, JPEG, 'image/png')).status).toBe(415);
    expect((await post(stopH2, Buffer.from('hello'), 'text/plain')).status).toBe(415);
    expect((await post(stopH2, Buffer.concat([JPEG, Buffer.alloc(4096)]), 'image/jpeg')).status).toBe(413);
    expect((await post(stopH2, JPEG, 'image/jpeg', `?householdId=${world.grid.h4}`)).status).toBe(404);
    const bad = await post(stopH2, JPEG, 'image/jpeg', '?householdId=nope');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path[0])).toContain('householdId');
    expect((await post(stopH2, JPEG, 'image/jpeg', '', await world.login('driver'))).status).toBe(403);
    expect((await post(stopH2, JPEG, 'image/jpeg')).status).toBe(201);
  });
});
