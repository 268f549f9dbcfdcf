/**
 * Set partitioning at a round's merge (issue #14 item 4): the sub-problems store their route pools with
 * their results, and the merge stores the set-partitioning plan when it is cheaper and validates.
 * One sub-problem's stored trip is spoiled (its stops zig-zag): its own search's pool holds the
 * good order, so the merged plan can be beaten and the stored plan must be the cheaper, valid one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { PlanTrip, PlanUnserved } from '../../src/domain/round-plan';
import { mergeSubSolutions } from '../../src/planning/decompose';
import { toSubSolution } from '../../src/planning/adapters/round-merge';
import type { StoredPool } from '../../src/planning/adapters/round-pool';
import { buildProblem } from '../../src/planning/adapters/round-problem';
import { solve } from '../../src/planning/solve';
import { validateSolution } from '../../src/planning/validate/solution.validate';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { proposalView } from '../../src/services/rounds/round-view';
import { dropSchema, type Database } from '../../src/store/db';
import { getRound, listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { loadGenerationNeeds, loadVehicles } from '../../src/store/round-inputs.repository';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const producers = { ready: () => true, addRoundFlow: async () => undefined };

beforeAll(async () => {
  database = await openTestDatabase('round_sp');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 30, householdsPerCorridor: 2, vehicles: 12, capacityBags: 30 });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

type Result = { trips: PlanTrip[]; unserved: PlanUnserved[]; pool?: StoredPool };

describe("set partitioning at a round's merge", () => {
  it('stores the set-partitioning plan when it beats the merged one, validated, every need once', async () => {
    // The round's budget bounds the merge's set partitioning (a tenth of it per sub-problem): generous here, the searches below count iterations.
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 60_000 }, { areaId: district.districtId, kind: 'food', actor: 'dispatcher-1' });
    // Searches counted in iterations, not time: the same plans on a busy machine.
    const deps = {
      db: database.db, now: () => performance.now(), keepPool: 400,
      solve: async (problem: Parameters<typeof solve>[0], o: { seed: number; keepPool?: number }) => solve(problem, { seed: o.seed, maxIterations: 3000, keepPool: o.keepPool ?? 0 }),
    };
    const subs = await listSubproblems(database.db, round.id);
    for (const s of subs) expect((await solveSubproblem(deps, round.id, s.id)).status).toBe('solved');

    const stored = (await listSubproblems(database.db, round.id)).map((s) => ({ id: s.id, result: s.result as Result }));
    for (const s of stored) {
      expect(s.result.pool?.routes.length).toBeGreaterThan(0);
      expect(s.result.pool!.routes.length).toBeLessThanOrEqual(400);
    }
    // Spoil the longest trip of the first sub-problem: its stops visited in zig-zag order.
    const first = stored[0]!;
    const trip = first.result.trips.reduce((a, t) => (t.stops.length > a.stops.length ? t : a));
    expect(trip.stops.length).toBeGreaterThanOrEqual(4);
    trip.stops = [...trip.stops.filter((_, i) => i % 2 === 0), ...trip.stops.filter((_, i) => i % 2 === 1).reverse()];
    await sql`update round_subproblems set result = ${JSON.stringify(first.result)}::jsonb where round_id = ${round.id} and id = ${first.id}`.execute(database.db);

    expect(await mergeRound(database.db, round.id, undefined, undefined, { setPartitioning: { maxMs: 30_000 } })).toBe('stored');
    const view = await proposalView(database.db, round.id);
    expect(view.setPartitioning?.status).toBe('improved');
    const note = view.setPartitioning!;
    expect(note.cost).toBeLessThan(note.mergedCost);
    expect((await getRound(database.db, round.id))?.status).toBe('proposed');

    // The stored plan is the set-partitioning one: it validates on the district and costs what the note says.
    const vehicles = await loadVehicles(database.db, [...new Set(subs.flatMap((s) => s.vehicle_ids))].sort());
    const built = buildProblem(await loadGenerationNeeds(database.db, round.id), vehicles);
    const plan = await readPlan(database.db, round.id);
    const whole = toSubSolution(built, vehicles, { subproblemId: 'all', vehicleIds: vehicles.map((v) => v.id), trips: plan.trips, unserved: plan.unserved });
    const check = validateSolution(built.problem, mergeSubSolutions(built.problem, [whole]));
    expect(check.violations).toEqual([]);
    expect(check.cost).toBeCloseTo(note.cost, 3);
    // Every need once: served in one bag list or unserved.
    const served = plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId)));
    const seen = new Set([...served, ...plan.unserved.map((u) => u.needId)]);
    expect(seen.size).toBe(district.needIds.length);
    expect(new Set(served).size + plan.unserved.length).toBe(district.needIds.length);
  });
});
