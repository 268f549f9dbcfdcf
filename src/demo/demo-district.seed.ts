/**
 * The demo district `npm start` serves on an empty database: 2 streets, 4 communities, 24
 * corridors, ~290 households around a real city centre with varied flags, open needs of every
 * kind, hospitals and two pass applications in review, 2 depots with a catalogue (food package kit
 * by household size) and stock received lot by lot through the ledger, delivery vans and passenger
 * vehicles with their drivers on two 12-hour shifts per depot (demo-roster.seed.ts), and one login
 * per role. The grid, the register and the fleet are
 * loaded from src/demo/files through the imports (demo-files.seed.ts). Deterministic (seeded
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
import { seedWaste } from './demo-waste.seed';
import { seedRoster, type DemoRosterSettings } from './demo-roster.seed';
import { DEFAULT_DRIVER_LIMITS } from '../domain/shifts';
import type { Db } from '../store/db';
import { setCorridorHours } from '../store/gate-hours.repository';
import { loadDemoFiles } from './demo-files.seed';

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


/**
 * The district's control statuses and risk colours (the risk map is not in the grid file): the
 * district sealed, its communities sealed, controlled or under precaution in turn.
 */
async function seedRiskMap(db: Db, communities: readonly string[]): Promise<void> {
  await db.updateTable('areas').set({ control_status: 'controlled', risk_colour: 'yellow' }).execute();
  await db.updateTable('areas').set({ control_status: 'sealed', risk_colour: 'red' }).where('kind', '=', 'district').execute();
  const statuses = [['sealed', 'red'], ['controlled', 'orange'], ['precaution', 'yellow']] as const;
  for (const [i, id] of communities.entries()) {
    const [control, risk] = statuses[i % 3]!;
    await db.updateTable('areas').set({ control_status: control, risk_colour: risk }).where('id', '=', id).execute();
  }
}

/**
 * The grid and register were once generated here from the seeded random numbers, which the needs
 * draw from next: the draws they took (a community's latitude; a building's position; per household
 * its size, flags, status and position, one more for a household of one) are skipped, so the demo's
 * needs stay those of the district the files were generated from.
 */
function skipGridDraws(rnd: Random, households: readonly Household[], corridorsByCommunity: Map<string, string[]>): void {
  const buildings = [...corridorsByCommunity.values()].reduce((n, c) => n + c.length / 2, 0);
  const draws = corridorsByCommunity.size + 2 * buildings + households.reduce((n, h) => n + 6 + (h.members === 1 ? 1 : 0), 0);
  for (let i = 0; i < draws; i++) rnd();
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

/**
 * `foodCycleDays`: FOOD_CYCLE_DAYS, so the demo's food packages name the cycle intake and entitlements use;
 * `roster`: the DRIVER_* limits and ROSTER_TIME_ZONE its shifts are checked and dated with (default: their defaults).
 */
export async function seedDemoDistrict(deps: { db: Db; clock: Clock; foodCycleDays: number; roster?: DemoRosterSettings }, options: { scryptCost?: { N: number; r: number; p: number } } = {}): Promise<SeedResult> {
  if ((await countAreas(deps.db)) > 0) return { seeded: false, households: 0, needs: 0, logins: [] };
  const rnd = mulberry32(20260423);
  const system: Actor = { userId: 'system:demo-seed', role: 'admin', corridorIds: [], communityIds: [] };
  const now = deps.clock.now();
  let needs = 0;
  const withNeeds = new Set<string>();
  // One transaction: all or nothing, and fast on PGlite (where every commit syncs to disk).
  const { households, communities, corridorsByCommunity, driverIds } = await deps.db.transaction().execute(async (trx) => {
    const grid = await loadDemoFiles(trx, system);
    skipGridDraws(rnd, grid.households, grid.corridorsByCommunity);
    await seedRiskMap(trx, grid.communities);
    await seedGateHours(trx, grid.corridorsByCommunity);
    const fleet = grid;
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
    await seedWaste(trx, grid.corridorsByCommunity, now);
    return grid;
  });
  // The roster service keeps its own transactions (one per change, as the API does): after the grid's.
  await seedRoster(deps.db, system, deps.roster ?? { limits: DEFAULT_DRIVER_LIMITS, timeZone: 'Asia/Shanghai' }, now);

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
  await account('driver', 'driver.1', 'Driver 1', { driverId: driverIds.get('Driver 1') ?? null });
  return { seeded: true, households: households.length, needs, logins };
}
