/**
 * A dispatched round on the authorization fixture's small district (auth.fixture.ts), for the
 * desk's reads (issue #17): the rounds list, the overview and the printed paper. Two vans with
 * plates at the depot, a food package for each of h1-h4, planned over the whole district, approved
 * and dispatched (drivers d1 and d2 take the trips).
 */
import type { World } from './auth.fixture';
import { settleRound } from '../../src/services/deliveries/round-delivery.service';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { listSubproblems } from '../../src/store/round.repository';

const producers = { ready: () => true, addRoundFlow: async () => undefined };

/** Vans V1 (沪A·10001) and V2 (沪A·10002) at the grid's depot; drivers get their vans' depot already. */
export async function addVans(world: World): Promise<string[]> {
  const rows = await world.database.db.insertInto('vehicles').values([1, 2].map((n) => ({
    depot_id: world.grid.depot, name: `V${n}`, plate: `沪A·1000${n}`, capacity: JSON.stringify({ bags: 2 }),
  }))).returning('id').execute();
  return rows.map((r) => r.id);
}

/** An accepted food package for each household given, for cycle `cycle`. */
export async function addFoodNeeds(world: World, householdIds: readonly string[], cycle = '2026-W48'): Promise<string[]> {
  const db = world.database.db;
  const out: string[] = [];
  for (const id of householdIds) {
    const h = await db.selectFrom('households').select(['corridor_id', 'community_id']).where('id', '=', id).executeTakeFirstOrThrow();
    const row = await db.insertInto('needs').values({
      household_id: id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'food_package', identity_key: cycle,
      details: JSON.stringify({ cycle }), status: 'accepted', cycle, failure_reason: null, created_by: 'test',
    }).returning('id').executeTakeFirstOrThrow();
    out.push(row.id);
  }
  return out;
}

/** Plans, approves and (unless `dispatch: false`) dispatches a round of `kind` over `areaId`. */
export async function plannedRound(world: World, areaId: string, options: { dispatch?: boolean; actor?: string } = {}): Promise<string> {
  const db = world.database.db;
  const { round } = await startRound({ db, producers, defaultTimeLimitMs: 300 }, { areaId, kind: 'food', actor: options.actor ?? 'desk-test' });
  for (const s of await listSubproblems(db, round.id)) await solveSubproblem({ db, now: () => performance.now() }, round.id, s.id);
  await mergeRound(db, round.id);
  if (options.dispatch === false) return round.id;
  await approveRound(db, round.id, 'desk-test');
  await dispatchRound(db, round.id, 'desk-test');
  return round.id;
}

/**
 * The needs the desk's figures count, over the district: food packages of `cycle` for h1-h4 on a
 * round that delivered them except at C2 (failed there, as the driver reports it), a cancelled
 * package of h1 (not owed), and h4's rice still waiting, left unserved ('no-vehicle') by a later round.
 */
export async function needScene(world: World, cycle: string): Promise<{ roundId: string; laterRoundId: string; riceId: string }> {
  const db = world.database.db;
  const { grid } = world;
  await addVans(world);
  await addFoodNeeds(world, [grid.h1, grid.h2, grid.h3, grid.h4], cycle);
  const roundId = await plannedRound(world, grid.district);
  const stops = await db.selectFrom('round_stops').select(['id', 'corridor_id']).where('round_id', '=', roundId).execute();
  for (const s of stops) await db.updateTable('round_stops').set({ status: s.corridor_id === grid.c2 ? 'failed' : 'delivered' }).where('id', '=', s.id).execute();
  await settleRound(db, roundId);
  await db.insertInto('needs').values({ household_id: grid.h1, corridor_id: grid.c1, community_id: grid.m1, kind: 'food_package', identity_key: cycle, details: JSON.stringify({ cycle }), status: 'cancelled', cycle, failure_reason: null, created_by: 'test' }).execute();
  const rice = await db.insertInto('needs').values({ household_id: grid.h4, corridor_id: grid.c3, community_id: grid.m2, kind: 'rice', identity_key: 'rice', details: JSON.stringify({ quantity: 1 }), status: 'accepted', cycle: null, failure_reason: null, created_by: 'test' }).returning('id').executeTakeFirstOrThrow();
  const later = await db.insertInto('rounds').values({ area_id: grid.m2, kind: 'food', status: 'completed', time_limit_ms: 100, failure_reason: null, created_by: 'test', approved_by: null }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('round_needs').values({ round_id: later.id, need_id: rice.id, subproblem_id: 's0' }).execute();
  await db.insertInto('round_unserved').values({ round_id: later.id, need_id: rice.id, reason: 'no-vehicle' }).execute();
  return { roundId, laterRoundId: later.id, riceId: rice.id };
}
