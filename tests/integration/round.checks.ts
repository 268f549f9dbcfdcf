/**
 * "Nothing lost, nothing doubled": the assertions every round fault test ends with.
 */
import { expect } from 'vitest';
import type { Database } from '../../src/store/db';
import { getRound } from '../../src/store/round.repository';
import { planCounts, readPlan } from '../../src/store/round-plan.repository';
import { needStatusCounts } from './round.fixtures';

export async function expectPlannedExactlyOnce(database: Database, roundId: string, needIds: string[]): Promise<void> {
  const round = await getRound(database.db, roundId);
  expect(round?.status).toBe('proposed');
  expect(round?.progress).toBe(100);
  const plan = await readPlan(database.db, roundId);
  const bags = plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags));
  // Each bag on exactly one stop, each stop on one trip, each vehicle one trip.
  expect(new Set(bags.map((b) => b.bagId)).size).toBe(bags.length);
  expect(new Set(plan.trips.map((t) => t.vehicleId)).size).toBe(plan.trips.length);
  const counts = await planCounts(database.db, roundId);
  expect(counts).toEqual({ trips: plan.trips.length, stops: plan.trips.reduce((a, t) => a + t.stops.length, 0), bags: bags.length, unserved: plan.unserved.length });
  const served = new Set(bags.map((b) => b.needId));
  const unserved = new Set(plan.unserved.map((u) => u.needId));
  for (const id of needIds) expect(served.has(id) !== unserved.has(id), `need ${id} planned exactly once`).toBe(true);
  expect(served.size + unserved.size).toBe(needIds.length);
  if (served.size) expect(await needStatusCounts(database, [...served])).toEqual({ planned: served.size });
  if (unserved.size) expect(await needStatusCounts(database, [...unserved])).toEqual({ accepted: unserved.size });
}
