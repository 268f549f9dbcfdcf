/**
 * The demo district `npm start` serves on an empty database: 2 streets, 4 communities, 24
 * corridors, ~290 households around a real city centre with varied flags, open needs of every
 * kind, hospitals and two pass applications in review, 2 depots with a catalogue (food package kit
 * by household size) and stock received lot by lot through the ledger, delivery vans and passenger
 * vehicles with their drivers, and one login per role. Deterministic (seeded
 * random), and idempotent: it does nothing when the grid already has areas.
 */
import type { Actor, Role } from '../domain/access';
import { openFoodCycles } from '../domain/food-cycle';
import type { Household } from '../domain/household';
import { needInputSchema, type NeedInput } from '../domain/need';
import { prepareNeed } from '../domain/need-intake';
import { createAccount } from '../services/access/auth-accounts.service';
import { acceptOrMerge } from '../services/needs/intake.service';
import type { Clock } from '../shared/clock';
import { countAreas } from '../store/grid.repository';

import { demoNeedFor, mulberry32, type Random } from './demo-needs';
import { seedHospitals, seedPassesInReview } from './demo-passes.seed';
import { seedStock } from './demo-stock.seed';
import type { Db } from '../store/db';
import { setCorridorHours } from '../store/gate-hours.repository';

export const DEMO_PASSWORD = 'cordon-demo-2026';

export interface DemoLogin {
  role: Role;
  username: string;
  password: string;
  scope: string;
}

export interface SeedResult {
  seeded: boolean;
  households: number;
  needs: number;
  logins: DemoLogin[];
}

/** Xuhui, Shanghai: a dense grid of residential compounds, as in the 2022 lockdown this models. */
const CENTRE = { lat: 31.1885, lon: 121.4365 };
const STREETS = [
  { name: 'Tianping Road Subdistrict', communities: ['Jianguo West Community', 'Yongjia Community'] },
  { name: 'Hunan Road Subdistrict', communities: ['Wukang Community', 'Fuxing West Community'] },
];
const BUILDINGS_PER_COMMUNITY = 3;
const CORRIDORS_PER_BUILDING = 2;
const FLOORS = 6;
const FLATS_PER_FLOOR = 2;


async function area(db: Db, v: { kind: 'district' | 'street' | 'community' | 'building' | 'corridor'; name: string; parent: string | null; community: string | null; lat: number; lon: number; control?: 'sealed' | 'controlled' | 'precaution'; risk?: 'green' | 'yellow' | 'orange' | 'red' }): Promise<string> {
  const row = await db
    .insertInto('areas')
    .values({ kind: v.kind, name: v.name, parent_id: v.parent, community_id: v.community, lat: v.lat, lon: v.lon, control_status: v.control ?? 'controlled', risk_colour: v.risk ?? 'yellow' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function seedGrid(db: Db, rnd: Random): Promise<{ households: Household[]; communities: string[]; corridorsByCommunity: Map<string, string[]> }> {
  const district = await area(db, { kind: 'district', name: 'Xuhui Demo District', parent: null, community: null, ...CENTRE, control: 'sealed', risk: 'red' });
  const households: Household[] = [];
  const communities: string[] = [];
  const corridorsByCommunity = new Map<string, string[]>();
  for (const [si, s] of STREETS.entries()) {
    const sLat = CENTRE.lat + (si - 0.5) * 0.012;
    const street = await area(db, { kind: 'street', name: s.name, parent: district, community: null, lat: sLat, lon: CENTRE.lon });
    for (const [ci, name] of s.communities.entries()) {
      const cLat = sLat + (rnd() - 0.5) * 0.004;
      const cLon = CENTRE.lon + (ci - 0.5) * 0.014;
      const statuses = ['sealed', 'controlled', 'precaution'] as const;
      const control = statuses[(si * 2 + ci) % 3] ?? 'controlled';
      const community = await area(db, { kind: 'community', name, parent: street, community: null, lat: cLat, lon: cLon, control, risk: control === 'sealed' ? 'red' : control === 'controlled' ? 'orange' : 'yellow' });
      await db.updateTable('areas').set({ community_id: community }).where('id', '=', community).execute();
      communities.push(community);
      corridorsByCommunity.set(community, []);
      for (let b = 1; b <= BUILDINGS_PER_COMMUNITY; b++) {
        const bLat = cLat + (rnd() - 0.5) * 0.003;
        const bLon = cLon + (rnd() - 0.5) * 0.003;
        const building = await area(db, { kind: 'building', name: `Building ${b}`, parent: community, community, lat: bLat, lon: bLon });
        for (let u = 1; u <= CORRIDORS_PER_BUILDING; u++) {
          const corridor = await area(db, { kind: 'corridor', name: `Building ${b} Unit ${u}`, parent: building, community, lat: bLat, lon: bLon + u * 0.0001 });
          corridorsByCommunity.get(community)?.push(corridor);
          const rows = [];
          for (let floor = 1; floor <= FLOORS; floor++) {
            for (let flat = 1; flat <= FLATS_PER_FLOOR; flat++) {
              const members = 1 + Math.floor(rnd() * 5);
              const r = rnd();
              rows.push({
                corridor_id: corridor,
                community_id: community,
                address: `${name}, Building ${b}, Unit ${u}, Flat ${floor}0${flat}`,
                members,
                elderly_alone: members === 1 && rnd() < 0.6,
                cannot_cook: rnd() < 0.12,
                chronic_illness: rnd() < 0.25,
                infection_status: r < 0.06 ? ('positive' as const) : r < 0.15 ? ('close_contact' as const) : ('none' as const),
                lat: bLat + (rnd() - 0.5) * 0.0002,
                lon: bLon + u * 0.0001 + (rnd() - 0.5) * 0.0002,
              });
            }
          }
          const inserted = await db.insertInto('households').values(rows).returningAll().execute();
          for (const h of inserted) {
            households.push({ id: h.id, corridorId: h.corridor_id, communityId: h.community_id, address: h.address, members: h.members, elderlyAlone: h.elderly_alone, cannotCook: h.cannot_cook, chronicIllness: h.chronic_illness, infectionStatus: h.infection_status, lat: h.lat, lon: h.lon });
          }
        }
      }
    }
  }
  return { households, communities, corridorsByCommunity };
}

/** Delivery vans, and passenger vehicles (seats, some for wheelchairs) for medical passes and emergencies. */
const PASSENGER_VEHICLES = [
  { name: 'Transfer Car 1', plate: '沪A·D7101', seats: 3, skills: ['escort'] },
  { name: 'Wheelchair Van 1', plate: '沪A·D7102', seats: 2, skills: ['wheelchair', 'escort'] },
  { name: 'Transfer Car 2', plate: '沪A·D7103', seats: 3, skills: ['escort'] },
  { name: 'Wheelchair Van 2', plate: '沪A·D7104', seats: 2, skills: ['wheelchair'] },
] as const;

async function seedFleet(db: Db): Promise<{ depotIds: string[]; driverIds: string[] }> {
  const depots = await db
    .insertInto('depots')
    .values([
      { name: 'Xujiahui Supply Depot', lat: CENTRE.lat - 0.008, lon: CENTRE.lon - 0.006 },
      { name: 'Hengshan Road Depot', lat: CENTRE.lat + 0.006, lon: CENTRE.lon + 0.009 },
    ])
    .returning('id')
    .execute();
  const vehicles = [];
  const drivers = [];
  for (let i = 0; i < 6; i++) {
    const depot = depots[i % depots.length]!.id;
    const skills = i % 3 === 0 ? ['cold_chain'] : i % 3 === 1 ? ['protective'] : [];
    // A van loads several times a shift in a lockdown: three trips, 20 minutes at the depot in between.
    vehicles.push({ depot_id: depot, name: `Van ${i + 1}`, plate: `沪A·6120${i + 1}`, capacity: JSON.stringify({ packages: 60, weight_kg: 700, volume_l: 2500 }), skills, max_trips: 3, reload_minutes: 20 });
    drivers.push({ depot_id: depot, name: `Driver ${i + 1}`, skills: [...skills, ...(i % 2 === 0 ? ['escort'] : [])] });
  }
  // Small goods capacity too: a passenger trip may carry emergency medicine.
  for (const [i, v] of PASSENGER_VEHICLES.entries()) {
    const depot = depots[i < 2 ? 0 : 1]!.id;
    vehicles.push({ depot_id: depot, name: v.name, plate: v.plate, capacity: JSON.stringify({ seats: v.seats, packages: 8, weight_kg: 150, volume_l: 500 }), skills: [...v.skills], max_trips: 1, reload_minutes: 0 });
    drivers.push({ depot_id: depot, name: `Transfer Driver ${i + 1}`, skills: [...v.skills] });
  }
  await db.insertInto('vehicles').values(vehicles).execute();
  const driverIds = (await db.insertInto('drivers').values(drivers).returning('id').execute()).map((d) => d.id);
  return { depotIds: depots.map((d) => d.id), driverIds };
}

/**
 * Receiving hours on a few gates (a unit chief is there 08:00-11:00, another takes deliveries in the
 * afternoon only): the demo coordinator's two corridors and every fifth corridor of the second community.
 */
async function seedGateHours(db: Db, corridorsByCommunity: Map<string, string[]>): Promise<void> {
  const [first = [], second = []] = [...corridorsByCommunity.values()];
  const set = (ids: string[], fromMin: number, untilMin: number) => (ids.length
    ? setCorridorHours(db, ids, { fromMin, untilMin }) : Promise.resolve());
  await set(first.slice(0, 2), 8 * 60, 11 * 60);
  await set(second.filter((_, i) => i % 5 === 0), 9 * 60, 12 * 60);
  await set(second.filter((_, i) => i % 5 === 2), 13 * 60, 16 * 60);
}

/** `foodCycleDays`: FOOD_CYCLE_DAYS, so the demo's food packages name the cycle intake and entitlements use. */
export async function seedDemoDistrict(deps: { db: Db; clock: Clock; foodCycleDays: number }, options: { scryptCost?: { N: number; r: number; p: number } } = {}): Promise<SeedResult> {
  if ((await countAreas(deps.db)) > 0) return { seeded: false, households: 0, needs: 0, logins: [] };
  const rnd = mulberry32(20260423);
  const system: Actor = { userId: 'system:demo-seed', role: 'admin', corridorIds: [], communityIds: [] };
  const now = deps.clock.now();
  let needs = 0;
  const withNeeds = new Set<string>();
  // One transaction: all or nothing, and fast on PGlite (where every commit syncs to disk).
  const { households, communities, corridorsByCommunity, driverIds } = await deps.db.transaction().execute(async (trx) => {
    const grid = await seedGrid(trx, rnd);
    await seedGateHours(trx, grid.corridorsByCommunity);
    const fleet = await seedFleet(trx);
    const hospitals = await seedHospitals(trx);
    await seedStock({ db: trx, clock: deps.clock }, fleet.depotIds);
    for (const [i, h] of grid.households.entries()) {
      if (rnd() > 0.45) continue;
      const input: NeedInput = needInputSchema.parse(demoNeedFor(i, h, now, rnd));
      const prepared = prepareNeed(input, h, now, openFoodCycles(now, deps.foodCycleDays));
      await acceptOrMerge({ db: trx, clock: deps.clock, audit: undefined, foodCycleDays: deps.foodCycleDays }, trx, system, h, prepared);
      withNeeds.add(h.id);
      needs++;
    }
    await seedPassesInReview(trx, deps.clock, hospitals, grid.communities[0]!);
    return { ...grid, driverIds: fleet.driverIds };
  });

  const firstCommunity = communities[0]!;
  const coordinatorCorridors = (corridorsByCommunity.get(firstCommunity) ?? []).slice(0, 2);
  // The demo resident lives in the demo coordinator's stairwell and has something open to look at.
  const inCorridors = households.filter((h) => coordinatorCorridors.includes(h.corridorId));
  const resident = inCorridors.find((h) => withNeeds.has(h.id)) ?? inCorridors[0]!;
  const logins: DemoLogin[] = [];
  const account = async (role: Role, username: string, scope: string, assignments: Parameters<typeof createAccount>[1]['assignments']) => {
    await createAccount(deps, { username, password: DEMO_PASSWORD, role, assignments }, options.scryptCost ? { scryptCost: options.scryptCost } : {});
    logins.push({ role, username, password: DEMO_PASSWORD, scope });
  };
  await account('admin', 'admin', 'everything', {});
  await account('dispatcher', 'dispatcher', 'the whole district (no medical details)', {});
  await account('community_staff', 'staff.jianguo', 'Jianguo West Community', { communityIds: [firstCommunity] });
  await account('coordinator', 'chief.b1', 'Jianguo West, Building 1, Units 1-2', { corridorIds: coordinatorCorridors });
  await account('resident', 'resident.demo', resident.address, { householdId: resident.id });
  await account('driver', 'driver.1', 'Driver 1', { driverId: driverIds[0] ?? null });
  return { seeded: true, households: households.length, needs, logins };
}
