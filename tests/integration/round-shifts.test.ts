/**
 * Driver shifts (issue #18, item 3) on PostgreSQL: a round whose trips span a shift change gives the
 * later trips to the next shift's driver and no trip runs across the change; a vehicle whose depot
 * has nobody on shift gets no trips; the roster refuses a driver's shifts beyond the daily hours or
 * under the minimum rest (422 naming the rule and the driver).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db';
import { dropSchema } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { todayIn } from '../../src/store/roster.repository';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { proposalView } from '../../src/services/rounds/round-view';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { createShiftTemplate, removeShiftTemplate, roster, rosterDriver, unrosterShift, type RosterDeps } from '../../src/services/fleet/roster.service';
import { roundRoster, withHours } from '../../src/services/rounds/round-roster';
import { driverBatches } from '../../src/services/deliveries/driver-batches.service';
import { createVehicle } from '../../src/services/fleet/fleet.service';
import { DEFAULT_DRIVER_LIMITS } from '../../src/domain/shifts';
import type { Actor } from '../../src/domain/access';
import { isAppError } from '../../src/shared/errors';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

const ZONE = 'Asia/Shanghai';
let database: Database;
let district: District;
let deps: RosterDeps;
let today: string;
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const dispatcher = { userId: '00000000-0000-4000-8000-0000000000d1', role: 'dispatcher' } as Actor;
const admin = { userId: '00000000-0000-4000-8000-0000000000a1', role: 'admin' } as Actor;
const driver = async (name: string, depotId: string) =>
  (await database.db.insertInto('drivers').values({ depot_id: depotId, name }).returning('id').executeTakeFirstOrThrow()).id;
const template = async (depotId: string, name: string, startsAt: string, lengthMinutes: number) =>
  (await createShiftTemplate(deps, dispatcher, depotId, { name, startsAt, lengthMinutes })).id;

beforeAll(async () => {
  database = await openTestDatabase('round_shifts');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 4, householdsPerCorridor: 5, vehicles: 1, capacityBags: 10 });
  await database.db.updateTable('vehicles').set({ max_trips: 8, reload_minutes: 15 }).execute();
  deps = { db: database.db, audit: undefined, limits: DEFAULT_DRIVER_LIMITS, timeZone: ZONE };
  today = await todayIn(database.db, ZONE);
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('a round over a shift change', () => {
  it('gives the later trips to the next shift\'s driver, never a trip across the change; a depot with nobody on shift gets no trips', async () => {
    const depot = district.depotId;
    // The seeded driver is on no shift: with templates, only the roster staffs the depot.
    const early = await template(depot, 'Early', '07:00', 90);
    const day = await template(depot, 'Day', '08:30', 480);
    const morning = await driver('Morning driver', depot);
    const evening = await driver('Day driver', depot);
    await rosterDriver(deps, dispatcher, { driverId: morning, templateId: early, from: today, vehicleId: null });
    await rosterDriver(deps, dispatcher, { driverId: evening, templateId: day, from: today, vehicleId: null });
    // A second depot with a shift and a van, and nobody rostered.
    const empty = (await database.db.insertInto('depots').values({ name: 'Empty depot', lat: 31.2, lon: 121.45 }).returning('id').executeTakeFirstOrThrow()).id;
    await template(empty, 'Day', '08:00', 480);
    const idle = (await database.db.insertInto('vehicles').values({ depot_id: empty, name: 'Idle van', capacity: JSON.stringify({ bags: 10 }), max_trips: 8 }).returning('id').executeTakeFirstOrThrow()).id;

    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 400 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
    for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    expect(await mergeRound(database.db, round.id)).toBe('stored');
    const plan = await readPlan(database.db, round.id);
    const change = 30 * 60; // 08:30 on the round's clock (0 s = 08:00)
    const summary = plan.trips.map((t) => ({ from: t.departS!, to: t.departS! + t.durationS, driver: t.driverId, vehicle: t.vehicleId }));
    expect(summary.some((t) => t.vehicle === idle), JSON.stringify(summary)).toBe(false);
    // The premise: the round needs trips on both sides of the change.
    expect(summary.some((t) => t.to <= change) && summary.some((t) => t.from >= change), JSON.stringify(summary)).toBe(true);
    for (const t of summary) {
      expect(t.to <= change + 1e-6 || t.from >= change - 1e-6, `trip across 08:30: ${JSON.stringify(t)}`).toBe(true);
      expect(t.driver).toBe(t.to <= change + 1e-6 ? morning : evening);
      expect(t.from).toBeGreaterThanOrEqual(-3600 - 1e-6);
    }
    // The desk's working day ends with the day driver's shift (08:30 + 8 h), not the default 8 h from 08:00.
    expect((await proposalView(database.db, round.id)).shiftEndS).toBe(change + 480 * 60);
    // Dispatch takes the plan's drivers: the day driver's page shows the later trips.
    await approveRound(database.db, round.id, 'd');
    await dispatchRound(database.db, round.id, 'd');
    expect((await driverBatches(database.db, evening)).length).toBe(summary.filter((t) => t.driver === evening).length);
  });
});

describe('the roster keeps drivers\' hours', () => {
  const refusal = async (work: Promise<unknown>) => {
    const err = await work.then(() => undefined, (e: unknown) => e);
    expect(isAppError(err), String(err)).toBe(true);
    if (!isAppError(err)) return undefined;
    expect(err.status).toBe(422);
    return err.details;
  };

  it('refuses a second shift the same day beyond the daily hours, and one too soon after another, naming the rule and the driver', async () => {
    const depot = district.depotId;
    const long = await template(depot, 'Long', '06:00', 720);
    const night = await template(depot, 'Night', '20:00', 240);
    const dawn = await template(depot, 'Dawn', '01:00', 240);
    const wang = await driver('Wang Wei', depot);
    await rosterDriver(deps, dispatcher, { driverId: wang, templateId: long, from: today, until: today, vehicleId: null });
    expect(await refusal(rosterDriver(deps, dispatcher, { driverId: wang, templateId: night, from: today, until: today, vehicleId: null })))
      .toMatchObject({ rule: 'roster:duty-hours', driver: 'Wang Wei', date: today });
    // 18:00 to 01:00 the next day: seven hours of rest, eight required.
    const next = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
    expect(await refusal(rosterDriver(deps, dispatcher, { driverId: wang, templateId: dawn, from: next, until: next, vehicleId: null })))
      .toMatchObject({ rule: 'roster:rest', driver: 'Wang Wei', date: next });
    // The next day's long shift is 12 h after: accepted.
    expect(await rosterDriver(deps, dispatcher, { driverId: wang, templateId: long, from: next, until: next, vehicleId: null })).toHaveLength(1);
  });

  it('refuses a driver on a vehicle whose licence class the driver lacks', async () => {
    const depot = district.depotId;
    const truck = await createVehicle({ db: database.db, audit: undefined }, admin, {
      plate: '沪A·C1001', name: 'Truck', depotId: depot, capacity: { kg: 5000 }, skills: [], maxTrips: 1, reloadMinutes: 20, availability: [], licenceClass: 'C1',
    });
    expect(truck.licenceClass).toBe('C1');
    const shift = await template(depot, 'Truck day', '08:00', 480);
    const li = await driver('Li Na', depot);
    expect(await refusal(rosterDriver(deps, dispatcher, { driverId: li, templateId: shift, from: today, vehicleId: truck.id })))
      .toMatchObject({ rule: 'roster:licence', driver: 'Li Na' });
    await database.db.updateTable('drivers').set({ licence_classes: ['B', 'C1'] }).where('id', '=', li).execute();
    expect((await rosterDriver(deps, dispatcher, { driverId: li, templateId: shift, from: today, vehicleId: truck.id }))[0]?.vehicleLabel).toBe('Truck (沪A·C1001)');
  });
});

describe('a standing roster (no until: every day from a date on, until removed)', () => {
  it('staffs the rounds of every later day, keeps the hours rules against dated shifts, and ends when removed', async () => {
    const depot = (await database.db.insertInto('depots').values({ name: 'Standing depot', lat: 31.21, lon: 121.46 }).returning('id').executeTakeFirstOrThrow()).id;
    const day = await template(depot, 'Day', '08:00', 720);
    const late = await template(depot, 'Late', '14:00', 480);
    const zhao = await driver('Zhao Lei', depot);
    const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
    const [line] = await rosterDriver(deps, dispatcher, { driverId: zhao, templateId: day, from: yesterday, vehicleId: null });
    expect(line).toMatchObject({ date: yesterday, standing: true, driverName: 'Zhao Lei' });
    // Listed on any later date, as the same entry.
    const later = new Date(Date.parse(today) + 20 * 86_400_000).toISOString().slice(0, 10);
    expect((await roster(deps, dispatcher, { depotId: depot, from: later })).map((l) => [l.id, l.date, l.standing])).toEqual([[line!.id, later, true]]);
    // A dated shift that overlaps it on a later day is refused like one against a dated shift.
    expect(await rosterDriver(deps, dispatcher, { driverId: zhao, templateId: late, from: later, until: later, vehicleId: null }).then(() => null, (e: unknown) => (isAppError(e) ? e.details : e)))
      .toMatchObject({ rule: 'roster:overlap', driver: 'Zhao Lei', date: later });
    // A round prepared today (a day the entry was never written out for) has the driver on shift from 08:00 for 12 h.
    const van = (await database.db.insertInto('vehicles').values({ depot_id: depot, name: 'Standing van', capacity: JSON.stringify({ bags: 10 }), max_trips: 2 }).returning('id').executeTakeFirstOrThrow()).id;
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 100 }, { areaId: district.communityIds[0]!, kind: 'medicine', actor: 'd' });
    const kept = await roundRoster(database.db, round.id);
    expect(kept.duties.filter((d) => d.driverId === zhao)).toEqual([expect.objectContaining({ depotId: depot, start: 0, end: 720 * 60 })]);
    expect(withHours([{ id: van, depotId: depot, depotLat: 31.21, depotLon: 121.46, capacity: { bags: 10 }, skills: [] }], kept)[0]!.hours).toMatchObject({ shift: [0, 720 * 60] });
    // Its template is not retired from under it (the standing entry would vanish with it).
    expect(await removeShiftTemplate(deps, admin, day).then(() => null, (e: unknown) => (isAppError(e) ? e.code : e))).toBe('conflict');
    // Removed: no day of it is left.
    await unrosterShift(deps, dispatcher, line!.id);
    expect(await roster(deps, dispatcher, { depotId: depot, from: later })).toEqual([]);
  });
});
