/**
 * A household turning positive through the register gets a protective vehicle in the next plan
 * (issue #15, item 2): the planner reads the household's infection status when it plans, so the
 * change reaches open needs without touching them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access';
import { changeHousehold } from '../../src/services/grid/household-register.service';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const admin: Actor = { userId: 'admin-1', role: 'admin', corridorIds: [], communityIds: [] };

beforeAll(async () => {
  database = await openTestDatabase('hh_infection_plan');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 4, householdsPerCorridor: 3, vehicles: 3 });
  // One protective van of three: a need on it by chance is one in three, not a pass.
  await database.db.updateTable('vehicles').set({ skills: ['protective'] }).where('id', '=', district.vehicleIds[2]!).execute();
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

it('a household changed to positive is planned on a protective vehicle in the next round', async () => {
  const needs = await database.db.selectFrom('needs as n').innerJoin('households as h', 'h.id', 'n.household_id')
    .select(['n.id', 'h.id as household_id']).where('n.id', 'in', district.needIds).orderBy('n.id').execute();
  const turned = needs.slice(0, 4);
  for (const n of turned) {
    const { household, openNeeds } = await changeHousehold({ db: database.db, audit: undefined }, admin, n.household_id, { infectionStatus: 'positive' });
    expect(household.protectiveHandling).toBe(true);
    expect(openNeeds).toBe(1);
  }
  const deps = { db: database.db, producers: { ready: () => true, addRoundFlow: async () => undefined }, defaultTimeLimitMs: 200 };
  const { round } = await startRound(deps, { areaId: district.districtId, kind: 'food', actor: 'dispatcher-1' });
  for (const s of await listSubproblems(database.db, round.id)) expect((await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id)).status).toBe('solved');
  expect(await mergeRound(database.db, round.id)).toBe('stored');

  const plan = await readPlan(database.db, round.id);
  const vehicleOf = new Map(plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => [b.needId, t.vehicleId] as const))));
  const unserved = new Set(plan.unserved.map((u) => u.needId));
  for (const n of turned) {
    expect(unserved.has(n.id) || vehicleOf.has(n.id), 'planned or unserved').toBe(true);
    if (vehicleOf.has(n.id)) expect(vehicleOf.get(n.id)).toBe(district.vehicleIds[2]);
  }
  expect(turned.filter((n) => vehicleOf.has(n.id)).length).toBeGreaterThan(0);
});
