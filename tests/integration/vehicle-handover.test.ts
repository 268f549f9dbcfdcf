/**
 * A vehicle handed over at a shift change (issue #18, item 4), through the API on PostgreSQL: the
 * plan gives van V1 to Driver 1 for its first trip and to Driver 2 after; only Driver 1 hands it
 * over and only Driver 2 accepts; the state and note are stored and shown to Driver 2; the same
 * report again is a replay; a driver of neither side is refused; the desk sees the shift bands,
 * the handover and who drives V1 now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { recordHandover } from '../../src/services/fleet/handover.service';
import { FAST_SCRYPT, PASSWORD, startWorld, type World } from './auth.fixture';
import { addFoodNeeds, addVans, plannedRound } from './desk.fixtures';

let world: World;
let roundId: string;
let firstTrip: string;
let laterTrip: string;
const tokens: Record<'d1' | 'd2' | 'd3' | 'dispatcher', string> = { d1: '', d2: '', d3: '', dispatcher: '' };

interface Handover {
  tripId: string; vehicleName: string; fromDriver: { name: string }; toDriver: { name: string }; note: string | null; handedAt: string | null; acceptedAt: string | null;
  state: { tripsBefore: number; bagsOnBoard: { kind: string; bags: number }[]; disinfection: string };
}

beforeAll(async () => {
  world = await startWorld('vehicle_handover');
  const [v1] = await addVans(world);
  await addFoodNeeds(world, [world.grid.h1, world.grid.h2, world.grid.h3, world.grid.h4]);
  roundId = await plannedRound(world, world.grid.district);
  const db = world.database.db;
  // The premise, as the shift-aware plan makes it (round-shifts.test.ts): V1 changes hands between its first trip and the rest.
  const trips = await db.selectFrom('round_trips').select('id').where('round_id', '=', roundId).orderBy('id').execute();
  expect(trips.length, 'the round needs two trips').toBeGreaterThanOrEqual(2);
  firstTrip = trips[0]!.id;
  laterTrip = trips[1]!.id;
  // Renumbered in two passes: (round, vehicle, trip number) is unique.
  for (const [i, t] of trips.entries()) await db.updateTable('round_trips').set({ trip_no: 1000 + i }).where('round_id', '=', roundId).where('id', '=', t.id).execute();
  for (const [i, t] of trips.entries()) {
    await db.updateTable('round_trips').set({ vehicle_id: v1!, trip_no: i + 1, depart_s: i * 7200, driver_id: i === 0 ? world.grid.d1 : world.grid.d2 }).where('round_id', '=', roundId).where('id', '=', t.id).execute();
  }
  // Driver 1 is out on the first trip: its bags are on board.
  await db.updateTable('round_trips').set({ departed_at: new Date() }).where('round_id', '=', roundId).where('id', '=', firstTrip).execute();
  const d3 = (await db.insertInto('drivers').values({ depot_id: world.grid.depot, name: 'Driver 3' }).returning('id').executeTakeFirstOrThrow()).id;
  for (const [label, driverId] of [['d2', world.grid.d2], ['d3', d3]] as const) {
    const username = `${label}.vehicle_handover`;
    await createAccount(world.deps, { username, password: PASSWORD, role: 'driver', assignments: { driverId } }, { scryptCost: FAST_SCRYPT });
    const res = await world.request('POST', '/api/auth/login', { body: { username, password: PASSWORD } });
    tokens[label] = ((await res.json()) as { token: string }).token;
  }
  tokens.d1 = await world.login('driver');
  tokens.dispatcher = await world.login('dispatcher');
}, 60_000);
afterAll(async () => {
  await world?.close();
});

const path = (tripId: string, tail = '') => `/api/rounds/${roundId}/trips/${tripId}/handover${tail}`;
const call = async (method: string, url: string, token: string, body?: unknown) => {
  const res = await world.request(method, url, { token, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('handing a vehicle over at a shift change', () => {
  it('each driver sees the handover on their day, the outgoing as outgoing and the incoming as incoming', async () => {
    const d1 = (await call('GET', '/api/me/shifts', tokens.d1)).body as { handovers: (Handover & { role: string })[] };
    expect(d1.handovers).toHaveLength(1);
    expect(d1.handovers[0]).toMatchObject({ role: 'outgoing', tripId: laterTrip, vehicleName: 'V1 (沪A·10001)', fromDriver: { name: 'Driver 1' }, toDriver: { name: 'Driver 2' }, handedAt: null });
    expect(d1.handovers[0]!.state.tripsBefore).toBe(1);
    expect(d1.handovers[0]!.state.bagsOnBoard.find((b) => b.kind === 'food_package')?.bags ?? 0).toBeGreaterThan(0);
    const d2 = (await call('GET', '/api/me/shifts', tokens.d2)).body as { handovers: { role: string; tripId: string }[] };
    expect(d2.handovers).toEqual([expect.objectContaining({ role: 'incoming', tripId: laterTrip })]);
    expect((await call('GET', '/api/me/shifts', tokens.d3)).body).toMatchObject({ handovers: [] });
  });

  it('only the outgoing driver hands over and only the incoming accepts; a stranger is refused; no handover before the first trip', async () => {
    expect((await call('PUT', path(laterTrip), tokens.d2, {})).status).toBe(403);
    expect((await call('PUT', path(laterTrip, '/acceptance'), tokens.d1, {})).status).toBe(403);
    expect((await call('GET', path(laterTrip), tokens.d3)).status).toBe(403);
    expect((await call('PUT', path(laterTrip), tokens.d3, {})).status).toBe(403);
    expect((await call('PUT', path(laterTrip), tokens.d1, { note: 'x', extra: 1 })).status).toBe(422);
    expect((await call('GET', path(firstTrip), tokens.dispatcher)).body).toEqual({ handover: null });
    expect((await call('PUT', path(firstTrip), tokens.dispatcher, {})).status).toBe(404);
  });

  it('stores the outgoing driver\'s handover with its note, shows it to the incoming driver, and a second confirmation is a replay', async () => {
    const handedAt = new Date(Date.now() - 120_000).toISOString();
    const first = await call('PUT', path(laterTrip), tokens.d1, { note: 'Half a tank; scratch on the left door', handedAt });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ replayed: false, handover: { handedAt, note: 'Half a tank; scratch on the left door', acceptedAt: null } });
    const again = await call('PUT', path(laterTrip), tokens.d1, { note: 'changed my mind', handedAt: new Date().toISOString() });
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const seen = (await call('GET', path(laterTrip), tokens.d2)).body as { handover: Handover };
    expect(seen.handover).toMatchObject({ note: 'Half a tank; scratch on the left door', handedAt, fromDriver: { name: 'Driver 1' } });
    expect(seen.handover.state).toEqual((first.body.handover as Handover).state);

    const accepted = await call('PUT', path(laterTrip, '/acceptance'), tokens.d2, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ replayed: false, handover: { handedAt, note: 'Half a tank; scratch on the left door' } });
    const acceptedAt = (accepted.body.handover as Handover).acceptedAt;
    expect(acceptedAt).not.toBeNull();
    expect((await call('PUT', path(laterTrip, '/acceptance'), tokens.d2, {})).body).toMatchObject({ replayed: true, handover: { acceptedAt } });
    const rows = await world.database.db.selectFrom('vehicle_handovers').select(['handed_by', 'accepted_by']).where('round_id', '=', roundId).execute();
    expect(rows).toEqual([{ handed_by: world.users.driver.id, accepted_by: expect.any(String) }]);
  });

  it('shows the desk each driver\'s band on V1, the handover, and Driver 2 driving V1 now', async () => {
    // Driver 1's trip is over: nobody is on the road with V1, the accepted handover says who has it.
    await world.database.db.updateTable('round_stops').set({ status: 'delivered' }).where('round_id', '=', roundId).where('trip_id', '=', firstTrip).execute();
    const crew = (await call('GET', `/api/rounds/${roundId}/crew`, tokens.dispatcher)).body as {
      bands: { driverName: string; fromS: number; untilS: number }[]; handovers: Handover[]; current: { driverName: string; source: string }[];
    };
    expect(crew.bands.map((b) => b.driverName)).toEqual(['Driver 1', 'Driver 2']);
    // The bands meet at the handover and do not overlap.
    expect(crew.bands[0]!.untilS).toBeLessThanOrEqual(crew.bands[1]!.fromS);
    expect(crew.handovers).toEqual([expect.objectContaining({ tripId: laterTrip, acceptedAt: expect.any(String) })]);
    expect(crew.current).toEqual([expect.objectContaining({ driverName: 'Driver 2', source: 'handover' })]);
    expect((await call('GET', `/api/rounds/${roundId}/crew`, tokens.d1)).status).toBe(403);
  });

  it('publishes vehicle.handover to the desk and both drivers when a side is stored, and nothing for a replay', async () => {
    const db = world.database.db;
    await db.deleteFrom('vehicle_handovers').where('round_id', '=', roundId).execute();
    const published: { scopes: string[]; event: unknown }[] = [];
    const publisher = { store: async (_trx: unknown, scopes: readonly string[], event: unknown) => (published.push({ scopes: [...scopes], event }), []), release: async () => [] };
    const deps = { db, clock: world.clock, audit: undefined, publisher, timeZone: 'Asia/Shanghai' };
    const dispatcher = { userId: world.users.dispatcher.id, role: 'dispatcher' } as Actor;
    expect((await recordHandover(deps, dispatcher, roundId, laterTrip, 'handed', {})).replayed).toBe(false);
    expect((await recordHandover(deps, dispatcher, roundId, laterTrip, 'handed', {})).replayed).toBe(true);
    expect(published).toEqual([{
      scopes: ['dispatch', `driver:${world.grid.d1}`, `driver:${world.grid.d2}`],
      event: expect.objectContaining({ type: 'vehicle.handover', roundId, tripId: laterTrip, stage: 'handed', fromDriverId: world.grid.d1, toDriverId: world.grid.d2 }),
    }]);
  });
});
