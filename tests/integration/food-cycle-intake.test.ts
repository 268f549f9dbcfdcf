/**
 * A household's own food package and its scheduled entitlement are the same need: intake names a
 * food_package by the district's food cycle (the current one when none is given, or the next), the
 * id entitlement generation writes, so whichever comes second merges into or skips the first.
 * Any other cycle is refused naming what is expected, in the API and in the CSV import.
 * The clock is held at Monday 2026-11-23 10:00 UTC, in the 3-day cycle 2026-11-22/P3D.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER_ACTOR } from '../../src/domain/access';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { ManualClock } from '../../src/shared/clock';
import { startWorld, type World } from './auth.fixture';

const CURRENT = '2026-11-22/P3D';
const NEXT = '2026-11-25/P3D';
const EXPECTED = `expected the current cycle ${CURRENT} or the next ${NEXT}`;

const clock = new ManualClock('2026-11-23T10:00:00Z');
let w: World;
let coord: string;
let admin: string;

beforeAll(async () => {
  w = await startWorld('food_cycle_intake', { clock });
  coord = await w.login('coordinator');
  admin = await w.login('admin');
});
afterAll(async () => w?.close());

interface Submitted {
  need: { id: string; cycle: string | null; details: Record<string, unknown>; createdBy: string };
  merged: boolean;
  errors?: { path: (string | number)[]; message: string }[];
}

async function submit(householdId: string, details: Record<string, unknown>, token = coord): Promise<{ status: number; body: Submitted }> {
  const res = await w.request('POST', `/api/households/${householdId}/needs`, { token, body: { kind: 'food_package', details } });
  return { status: res.status, body: (await res.json()) as Submitted };
}

const entitle = (communityId: string) => generateFoodEntitlements({ db: w.database.db, foodCycleDays: w.config.FOOD_CYCLE_DAYS }, communityId, { at: clock.now() });

const foodNeeds = (householdId: string, cycle: string) =>
  w.database.db.selectFrom('needs').select(['id', 'status', 'identity_key', 'details', 'created_by']).where('household_id', '=', householdId)
    .where('kind', '=', 'food_package').where('cycle', '=', cycle).execute();

describe('food cycles at intake', () => {
  it('GET /api/food-cycle names the current and the next cycle of the configured length', async () => {
    expect(w.config.FOOD_CYCLE_DAYS).toBe(3);
    const res = await w.request('GET', '/api/food-cycle', { token: coord });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      days: 3,
      current: { id: CURRENT, start: '2026-11-22T00:00:00.000Z', end: '2026-11-25T00:00:00.000Z' },
      next: { id: NEXT, start: '2026-11-25T00:00:00.000Z', end: '2026-11-28T00:00:00.000Z' },
    });
    expect((await w.request('GET', '/api/food-cycle')).status).toBe(401);
  });

  it('entitlement first, then the household submits for the same cycle: merged into the entitlement, not a second need', async () => {
    const { cycle, created } = await entitle(w.grid.m1);
    expect(cycle.id).toBe(CURRENT);
    expect(created).toBe(3); // h1, h2, h3 live in community m1
    const [entitled] = await foodNeeds(w.grid.h1, CURRENT);

    // No cycle given: the current one.
    const first = await submit(w.grid.h1, { notes: 'two small children' });
    expect(first.status).toBe(200);
    expect(first.body.merged).toBe(true);
    expect(first.body.need.id).toBe(entitled!.id);
    expect(first.body.need.cycle).toBe(CURRENT);
    // Exactly these (issue #14 item 8): no `packages` count, one package per household per cycle.
    expect(first.body.need.details).toEqual({ cycle: CURRENT, notes: 'two small children' });
    // The current cycle named explicitly: the same need again.
    const named = await submit(w.grid.h1, { cycle: CURRENT });
    expect(named.status).toBe(200);
    expect(named.body.need.id).toBe(entitled!.id);

    const held = await foodNeeds(w.grid.h1, CURRENT);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ id: entitled!.id, status: 'accepted', identity_key: CURRENT, created_by: SCHEDULER_ACTOR });
  });

  it('the household submits first, then entitlement generation creates nothing for it', async () => {
    // h4 is the only household of community m2.
    const own = await submit(w.grid.h4, {}, admin);
    expect(own.status).toBe(201);
    expect(own.body.merged).toBe(false);
    expect(own.body.need.cycle).toBe(CURRENT);
    expect(await entitle(w.grid.m2)).toMatchObject({ created: 0 });
    const held = await foodNeeds(w.grid.h4, CURRENT);
    expect(held.map((n) => n.id)).toEqual([own.body.need.id]);
    expect(held[0]!.created_by).toBe(w.users.admin.id);
  });

  it('takes the next cycle ahead of its boundary; that cycle\'s generation then skips the household', async () => {
    const ahead = await submit(w.grid.h2, { cycle: NEXT });
    expect(ahead.status).toBe(201);
    expect(ahead.body.need.cycle).toBe(NEXT);
    clock.set('2026-11-25T00:00:00Z');
    try {
      const { cycle, created } = await entitle(w.grid.m1);
      expect(cycle.id).toBe(NEXT);
      expect(created).toBe(2); // h1 and h3, not h2
      expect((await foodNeeds(w.grid.h2, NEXT)).map((n) => n.id)).toEqual([ahead.body.need.id]);
    } finally {
      clock.set('2026-11-23T10:00:00Z');
    }
  });

  it('refuses any other cycle with a 422 naming details.cycle and what is expected, storing nothing', async () => {
    const count = async () => Number((await w.database.db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    // The ISO week intake used to take, the previous cycle, the one after next, another length, junk.
    for (const cycle of ['2026-W48', '2026-11-19/P3D', '2026-11-28/P3D', '2026-11-22/P7D', 'soon']) {
      const res = await w.request('POST', `/api/households/${w.grid.h2}/needs`, { token: coord, body: { kind: 'food_package', details: { cycle } } });
      expect(res.status, cycle).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as Submitted;
      expect(body.errors, cycle).toEqual([expect.objectContaining({ path: ['details', 'cycle'], message: EXPECTED })]);
    }
    expect(await count()).toBe(before);
  });

  it('CSV import: an empty cycle is the current one (merged into the entitlement), a wrong one is reported on its row', async () => {
    const importCsv = (csv: string) => w.request('POST', `/api/corridors/${w.grid.c1}/needs/import`, { token: coord, body: csv, headers: { 'content-type': 'text/csv' } });
    const bad = await importCsv(['address,kind,cycle', 'B1-C1-101,food_package,', 'B1-C1-102,food_package,2026-W48'].join('\n'));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { rows: unknown[] }).rows).toEqual([{ line: 3, column: 'cycle', reason: EXPECTED }]);

    const good = await importCsv(['address,kind,cycle', 'B1-C1-101,food_package,', `B1-C1-102,food_package,${NEXT}`].join('\n'));
    expect(good.status).toBe(201);
    const body = (await good.json()) as { imported: number; merged: number; needs: { line: number; needId: string; merged: boolean }[] };
    expect(body).toMatchObject({ imported: 0, merged: 2 });
    expect(body.needs.find((n) => n.line === 2)?.needId).toBe((await foodNeeds(w.grid.h1, CURRENT))[0]!.id);
    expect(body.needs.find((n) => n.line === 3)?.needId).toBe((await foodNeeds(w.grid.h2, NEXT))[0]!.id);
  });
});
