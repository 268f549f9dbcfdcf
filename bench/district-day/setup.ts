/**
 * Phase 1 of the district day: the district as an office would load it. The area tree is written
 * directly (as the onboarding bench does); the household register, the depots, the vehicles and the
 * drivers go through the real imports (POST /api/households/import, /api/depots/import,
 * /api/vehicles/import, /api/drivers/import); accounts (an admin, a dispatcher, one unit chief per
 * corridor, staff per community, one per driver) are created with the account service; food stock is
 * received per depot for one cycle, one component 20% short. Depots get no shift templates: each
 * driver then works the documented fallback shift (8 h from 08:00).
 */
import { expandComponents } from '../../src/domain/kit';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { systemClock } from '../../src/shared/clock';
import type { Database } from '../../src/store/db';
import { loadCatalogue } from '../../src/store/item.repository';
import { login } from '../api.server';
import { defineFoodPackage } from '../rounds-stock.seed';
import type { DaySize } from './size';

export const PASSWORD = 'bench-password-123';
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface Corridor { id: string; communityId: string; chief: string }
export interface District {
  districtId: string;
  communities: string[];
  corridors: Corridor[];
  /** Household ids in register order, with their corridor. */
  households: { id: string; corridorId: string; communityId: string }[];
  depots: string[];
  drivers: { id: string; username: string }[];
  hospitals: string[];
  /** Usernames: `staff.<community index>` per community. */
  staffOf: Map<string, string>;
}

/** A line of `rows` as CSV (no cell here needs quoting). */
const csv = (header: string[], rows: (string | number)[][]) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

async function importTable(url: string, token: string, path: string, body: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body });
  const answer = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer).slice(0, 600)}`);
  return answer;
}

/** Streets of communities of corridors, as onboarding.bench seeds them, over `size.communities` communities. */
async function seedAreas(database: Database, size: DaySize): Promise<{ districtId: string; communities: string[]; corridors: { id: string; communityId: string }[] }> {
  const db = database.db;
  const insert = async (kind: 'district' | 'street' | 'community', parent: string | null, name: string, lat: number, lon: number) =>
    (await db.insertInto('areas').values({ kind, parent_id: parent, community_id: null, name, lat, lon }).returning('id').executeTakeFirstOrThrow()).id;
  const districtId = await insert('district', null, 'Bench District', 31.2, 121.45);
  const streets = await Promise.all(Array.from({ length: Math.min(5, size.communities) }, (_, s) => insert('street', districtId, `Street ${s}`, 31.2, 121.45)));
  const communities: string[] = [];
  const corridors: { id: string; communityId: string }[] = [];
  for (let c = 0; c < size.communities; c++) {
    const lat = 31.15 + (c % 10) * 0.01;
    const lon = 121.40 + Math.floor(c / 10) * 0.01;
    const community = await insert('community', streets[c % streets.length]!, `Community ${c}`, lat, lon);
    await db.updateTable('areas').set({ community_id: community }).where('id', '=', community).execute();
    communities.push(community);
    const n = Math.floor(size.corridors / size.communities) + (c < size.corridors % size.communities ? 1 : 0);
    const rows = await db.insertInto('areas')
      .values(Array.from({ length: n }, (_, k) => ({ kind: 'corridor' as const, parent_id: community, community_id: community, name: `Building ${Math.floor(k / 4) + 1} Unit ${(k % 4) + 1}`, lat: lat + k * 1e-4, lon: lon + (k % 7) * 1e-4 })))
      .returning('id').execute();
    corridors.push(...rows.map((r) => ({ id: r.id, communityId: community })));
  }
  return { districtId, communities, corridors };
}

/** Household i: 1-6 members, some elderly alone or unable to cook; 2% positive, 5% close contact. */
export function householdRow(i: number, corridorId: string): (string | number)[] {
  const status = i % 50 === 0 ? 'positive' : i % 20 === 1 ? 'close_contact' : 'none';
  return [corridorId, `Floor ${Math.floor(i / 40) % 30 + 1} Flat ${i}`, membersOf(i), i % 11 === 0 ? 'yes' : 'no', i % 7 === 0 ? 'yes' : 'no', i % 4 === 0 ? 'yes' : 'no',
    i % 41 === 0 ? 'yes' : 'no', i % 23 === 0 ? 'yes' : 'no', `1380${String(i).padStart(7, '0')}`, status];
}
/** Sizes in the census's proportions, roughly: most households of 2-3. */
const membersOf = (i: number) => [1, 2, 2, 3, 3, 3, 4, 4, 5, 6][i % 10]!;

export async function setUpDistrict(database: Database, url: string, size: DaySize, shortItem: string, shortPct: number): Promise<District & { adminToken: string }> {
  const db = database.db;
  const grid = await seedAreas(database, size);
  await createAccount({ db }, { username: 'bench.admin', password: PASSWORD, role: 'admin' }, { scryptCost: FAST_SCRYPT });
  await createAccount({ db }, { username: 'bench.dispatch', password: PASSWORD, role: 'dispatcher' }, { scryptCost: FAST_SCRYPT });
  const adminToken = await login(url, 'bench.admin', PASSWORD);

  // The register, one CSV file through the import (as onboarding.bench).
  const rows = Array.from({ length: size.households }, (_, i) => householdRow(i, grid.corridors[i % grid.corridors.length]!.id));
  const header = ['corridor_id', 'address', 'members', 'elderly_alone', 'cannot_cook', 'chronic_illness', 'pregnant', 'infant', 'phone', 'infection_status'];
  const register = await importTable(url, adminToken, '/api/households/import', csv(header, rows));
  if (register.created !== size.households) throw new Error(`register import: ${JSON.stringify(register).slice(0, 400)}`);

  // Fleet: depots, then vehicles (a tenth protective, some gas-licensed, a tenth passenger cars for passes and emergencies), then a driver per vehicle.
  const depotNames = Array.from({ length: size.depots }, (_, d) => `Depot ${d}`);
  await importTable(url, adminToken, '/api/depots/import', csv(['name', 'lat', 'lon'], depotNames.map((n, d) => [n, 31.17 + d * 0.02, 121.42 + (d % 2) * 0.04])));
  // The last tenth (at least 2) are the passenger cars, every other one with wheelchair and escort.
  const cars = Math.max(2, Math.round(size.vehicles / 10));
  const vehicles = Array.from({ length: size.vehicles }, (_, v) => {
    const car = v >= size.vehicles - cars;
    const skills = car ? (v % 2 === 0 ? 'wheelchair;escort' : '') : v % 10 === 0 ? 'protective' : v % 10 === 5 ? 'gas_licence' : '';
    return [`BD-${String(v).padStart(4, '0')}`, car ? `Car ${v}` : `Van ${v}`, depotNames[v % size.depots]!, car ? '' : 120, car ? '' : 1500, car ? 4 : '', skills, car ? 1 : 4, 20];
  });
  await importTable(url, adminToken, '/api/vehicles/import', csv(['plate', 'name', 'depot', 'bags', 'kg', 'seats', 'skills', 'max_trips', 'reload_minutes'], vehicles));
  await importTable(url, adminToken, '/api/drivers/import', csv(['name', 'phone', 'depot'], Array.from({ length: size.vehicles }, (_, v) => [`Driver ${v}`, `+86 137 ${String(v).padStart(8, '0')}`, depotNames[v % size.depots]!])));

  const depots = (await db.selectFrom('depots').select(['id', 'name']).orderBy('name').execute()).map((d) => d.id);
  const driverRows = await db.selectFrom('drivers').select('id').orderBy('name').execute();
  const drivers: District['drivers'] = [];
  for (const [i, d] of driverRows.entries()) {
    const username = `driver${i}.bench`;
    await createAccount({ db }, { username, password: PASSWORD, role: 'driver', assignments: { driverId: d.id } }, { scryptCost: FAST_SCRYPT });
    drivers.push({ id: d.id, username });
  }
  const corridors: Corridor[] = [];
  for (const [i, c] of grid.corridors.entries()) {
    const chief = `chief${i}.bench`;
    await createAccount({ db }, { username: chief, password: PASSWORD, role: 'coordinator', assignments: { corridorIds: [c.id] } }, { scryptCost: FAST_SCRYPT });
    corridors.push({ ...c, chief });
  }
  const staffOf = new Map<string, string>();
  for (const [i, c] of grid.communities.entries()) {
    await createAccount({ db }, { username: `staff${i}.bench`, password: PASSWORD, role: 'community_staff', assignments: { communityIds: [c] } }, { scryptCost: FAST_SCRYPT });
    staffOf.set(c, `staff${i}.bench`);
  }
  // The district's pharmacy, the default source of every drug (bench/district-day/procurement.ts).
  const pharmacy = await fetch(`${url}/api/procurement/suppliers`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'District pharmacy', kind: 'pharmacy', isDefault: true }) });
  if (pharmacy.status !== 201) throw new Error(`supplier: ${pharmacy.status}`);
  const hospitals: string[] = [];
  for (const [name, lat, lon] of [['North Hospital', 31.23, 121.45], ['East Hospital', 31.2, 121.49], ['South Hospital', 31.17, 121.44]] as const) {
    const res = await fetch(`${url}/api/hospitals`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, lat, lon }) });
    if (res.status !== 201) throw new Error(`hospital: ${res.status}`);
    hospitals.push(((await res.json()) as { id: string }).id);
  }

  // One cycle's food packages, spread evenly over the depots; `shortItem` is `shortPct` % short.
  await defineFoodPackage(db);
  const catalogue = await loadCatalogue(db);
  const asked = new Map<string, number>();
  for (let i = 0; i < size.households; i++) {
    for (const c of expandComponents(catalogue, 'food_package', 1, membersOf(i))) asked.set(c.code, (asked.get(c.code) ?? 0) + c.quantity);
  }
  for (const depotId of depots) {
    for (const [itemCode, q] of asked) {
      const share = Math.ceil(q / depots.length);
      const quantity = itemCode === shortItem ? Math.floor(share * (1 - shortPct / 100)) : share;
      if (quantity > 0) await receiveStock({ db, clock: systemClock }, { depotId, itemCode, quantity, reference: 'district-day' }, 'bench');
    }
  }
  const households = (await db.selectFrom('households').select(['id', 'corridor_id', 'community_id']).orderBy('address').execute())
    .map((h) => ({ id: h.id, corridorId: h.corridor_id, communityId: h.community_id }));
  return { ...grid, corridors, households, depots, drivers, hospitals, staffOf, adminToken };
}
