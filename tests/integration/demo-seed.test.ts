/** The demo district: hundreds of households, open needs of every kind, one login per role, seeded once. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { ROLES } from '../../src/domain/access';
import { NEED_KINDS } from '../../src/domain/need';
import { seedDemoDistrict, type SeedResult } from '../../src/demo/demo-district.seed';
import { buildApp } from '../../src/http/app';
import { expandNeeds } from '../../src/services/stock/kit.service';
import { shortfallForArea } from '../../src/services/stock/stock-shortfall.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { loadCatalogue } from '../../src/store/item.repository';
import { listHospitals } from '../../src/store/pass.repository';
import { rosteredCars } from '../../src/services/passes/pass-transport.service';
import { rosteredPassengerShifts } from '../../src/store/pass-transport.repository';
import { listRoster } from '../../src/store/roster.repository';

import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
let database: Database;
let first: SeedResult;

beforeAll(async () => {
  database = await openDatabase({ url: PG_URL, schema: `t_demo_${process.pid}_${Date.now().toString(36)}`, poolSize: 3 });
  await migrateToLatest(database);
  first = await seedDemoDistrict({ db: database.db, clock: systemClock, foodCycleDays: 3 }, { scryptCost: { N: 1024, r: 8, p: 1 } });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('demo district seed', () => {
  it('seeds hundreds of households, open needs of every kind and one login per role', async () => {
    expect(first.seeded).toBe(true);
    expect(first.households).toBeGreaterThanOrEqual(200);
    const kinds = await database.db.selectFrom('needs').select('kind').distinct().execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual([...NEED_KINDS].sort());
    expect(first.logins.map((l) => l.role).sort()).toEqual([...ROLES].sort());
    const communities = await database.db.selectFrom('areas').select('id').where('kind', '=', 'community').execute();
    expect(communities.length).toBeGreaterThanOrEqual(4);
  });

  it('gives a few corridor gates receiving hours (the demo coordinator\'s 08:00-11:00)', async () => {
    const gates = await database.db.selectFrom('areas').select(['receiving_from_min', 'receiving_until_min'])
      .where('kind', '=', 'corridor').where('receiving_from_min', 'is not', null).execute();
    expect(gates.length).toBeGreaterThanOrEqual(3);
    expect(gates.filter((g) => g.receiving_from_min === 480 && g.receiving_until_min === 660)).toHaveLength(2);
  });

  it('seeds hospitals and passenger vehicles with drivers, so passes and emergencies can be served', async () => {
    const hospitals = await listHospitals(database.db);
    expect(hospitals.length).toBeGreaterThanOrEqual(3);
    // The demo's depots have shift templates: its cars drive on the roster, each shift with its driver.
    const now = new Date();
    const passengers = rosteredCars(await rosteredPassengerShifts(database.db, now, new Date(now.getTime() + 2 * 86_400_000)), now);
    expect(new Set(passengers.map((v) => v.carId)).size).toBe(4);
    expect(passengers.every((v) => v.seats > 0 && v.driverId !== null)).toBe(true);
    expect(passengers.some((v) => v.skills.includes('wheelchair'))).toBe(true);
    expect(passengers.some((v) => v.skills.includes('escort'))).toBe(true);
    // Every medical_pass need names a seeded hospital, so it can continue as a pass.
    const names = new Set(hospitals.map((h) => h.name));
    const passNeeds = await database.db.selectFrom('needs').select('details').where('kind', '=', 'medical_pass').execute();
    expect(passNeeds.every((n) => names.has(String(n.details.hospital)))).toBe(true);
    const inReview = await database.db.selectFrom('passes').select(['id', 'status', 'need_id', 'community_id']).execute();
    expect(inReview.length).toBe(2);
    expect(inReview.every((p) => p.status === 'under_review' && p.need_id !== null)).toBe(true);
  });

  it('the demo staff login approves a pass in review (both legs get a passenger trip) and an emergency gets a car', async () => {
    const staff = first.logins.find((l) => l.role === 'community_staff')!;
    const community = await database.db.selectFrom('areas').select('id').where('kind', '=', 'community').where('name', '=', staff.scope).executeTakeFirstOrThrow();
    const pass = await database.db.selectFrom('passes').select('id').where('community_id', '=', community.id).executeTakeFirstOrThrow();
    const app = buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db: database.db, database, logger: createLogger({ level: 'silent' }), clock: systemClock });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: staff.username, password: staff.password }) });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`${url}/api/passes/${pass.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { status: string; transport: { leg: string; status: string; tripId: string | null; unservedReason: string | null }[] };
      expect(res.status).toBe(200);
      expect(body.status).toBe('approved');
      expect(body.transport.map((t) => [t.leg, t.status]).sort()).toEqual([['outbound', 'assigned'], ['return', 'assigned']]);

      // An acute illness in the same community gets a car to the nearest hospital at once.
      const household = await database.db.selectFrom('households').select('id').where('community_id', '=', community.id).orderBy('address').executeTakeFirstOrThrow();
      const raised = await fetch(`${url}/api/households/${household.id}/emergencies`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'acute_illness' }),
      });
      expect(raised.status).toBe(201);
      expect(await raised.json()).toMatchObject({ status: 'trip_assigned', unservedReason: null });
    } finally {
      server.close();
    }
  });

  it('runs two 12-hour shifts per depot on a standing roster: Driver 1 on Day in Van 1, the vans and pass cars with night drivers of their own, the waste trucks by day', async () => {
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const lines = await listRoster(database.db, { from: inTenDays, to: inTenDays });
    const on = (shift: string) => lines.filter((l) => l.templateName === shift).map((l) => `${l.driverName}: ${l.vehicleLabel?.replace(/ \(.*/, '')}`).sort();
    expect(lines.every((l) => l.standing && l.endsAt.getTime() - l.startsAt.getTime() === 12 * 3600_000)).toBe(true);
    expect(on('Day')).toContain('Driver 1: Van 1');
    expect(on('Day')).toEqual(expect.arrayContaining(['Transfer Driver 1: Transfer Car 1', 'Waste Crew 1: Waste Truck 1', 'Waste Crew 2: Waste Truck 2']));
    expect(on('Day')).toHaveLength(12);
    expect(on('Night')).toHaveLength(10);
    expect(on('Night').some((l) => l.startsWith('Driver ') || l.includes('Waste'))).toBe(false);
    // The driver page reads the standing roster: driver.1 sees today's Day shift in Van 1.
    const driver = first.logins.find((l) => l.username === 'driver.1')!;
    const app = buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db: database.db, database, logger: createLogger({ level: 'silent' }), clock: systemClock });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: driver.username, password: driver.password }) });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`${url}/api/me/shifts`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toMatch(/Van 1/);
    } finally {
      server.close();
    }
  });

  it('receives stock through the ledger, with lots, expiry dates and minimums, and a catalogue that expands every stock need', async () => {
    const db = database.db;
    const balances = await db.selectFrom('stock_balances').select(['item_code', 'on_hand', 'reserved']).execute();
    expect(balances.length).toBeGreaterThanOrEqual(8);
    expect(balances.every((b) => b.on_hand > 0 && b.reserved === 0)).toBe(true);
    // The balance summary is the sum of the ledger, and every unit sits in a lot.
    const ledger = await db.selectFrom('stock_ledger').select((eb) => eb.fn.sum<string>('on_hand_delta').as('n')).where('movement', '=', 'receipt').executeTakeFirstOrThrow();
    expect(Number(ledger.n)).toBe(balances.reduce((s, b) => s + b.on_hand, 0));
    const lots = await db.selectFrom('stock_lots').select(['item_code', 'expires_on']).execute();
    expect(lots.some((l) => l.item_code === 'vegetables' && l.expires_on !== null)).toBe(true);
    const minimums = await db.selectFrom('stock_minimums').select('minimum').execute();
    expect(minimums.length).toBe(balances.length);
    // Every stock need expands into items through the catalogue: the shortfall can be computed.
    const needs = await database.db.selectFrom('needs as n').innerJoin('households as h', 'h.id', 'n.household_id')
      .select(['n.id', 'n.kind', 'n.details', 'h.members']).execute();
    const { items, missing } = expandNeeds(await loadCatalogue(db), needs);
    expect(missing).toEqual([]);
    const food = needs.find((n) => n.kind === 'food_package')!;
    expect(items.get(food.id)?.get('rice')).toBeGreaterThan(0);
    const district = await database.db.selectFrom('areas').select('id').where('kind', '=', 'district').executeTakeFirstOrThrow();
    const shortfall = await shortfallForArea({ db: database.db }, district.id);
    expect(shortfall.untracked).toEqual([]);
    expect(shortfall.items.find((i) => i.itemCode === 'rice')?.available).toBeGreaterThan(0);
    // Perishables are kept tight on purpose: the demo shows a shortfall to explain.
    expect(shortfall.items.some((i) => i.short > 0)).toBe(true);
  });

  it('does nothing on a database that already has a grid', async () => {
    const before = await database.db.selectFrom('households').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const again = await seedDemoDistrict({ db: database.db, clock: systemClock, foodCycleDays: 3 });
    expect(again.seeded).toBe(false);
    const after = await database.db.selectFrom('households').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
