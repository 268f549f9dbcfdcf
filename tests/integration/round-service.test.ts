import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db';
import { dropSchema } from '../../src/store/db';
import { getRound, getRoundHead, listSubproblems, roundsIn } from '../../src/store/round.repository';
import { planCounts, readPlan, loadingList } from '../../src/store/round-plan.repository';
import { settleRound } from '../../src/services/deliveries/round-delivery.service';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { needStatusCounts, openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const flows: { roundId: string; subs: string[] }[] = [];
const producers = { ready: () => true, addRoundFlow: async (roundId: string, subs: string[]) => void flows.push({ roundId, subs }) };
/** The live relay's lanes (issue #21) the changes to `to` wait in: [true] all bulk, [false] all interactive. */
const lanesOf = async (to: string) => (await sql<{ bulk: boolean }>`select distinct l.bulk from need_status_live l
  join need_status_history h on h.id = l.history_id where h.to_status = ${to}`.execute(database.db)).rows.map((r) => r.bulk);

beforeAll(async () => {
  database = await openTestDatabase('round_service');
  district = await seedDistrict(database, { communities: 3, corridorsPerCommunity: 6, householdsPerCorridor: 5, vehicles: 6 });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('round lifecycle (services, no queue)', () => {
  it('plans every accepted need once: stored plan, needs planned, then out for delivery', async () => {
    const deps = { db: database.db, producers, defaultTimeLimitMs: 200 };
    const { round, created } = await startRound(deps, { areaId: district.districtId, kind: 'food', actor: 'dispatcher-1' });
    expect(created).toBe(true);
    expect(round.status).toBe('planning');
    // Each sub-problem's solve and each progress event read the round without its documents (~29 KB for a district, issue #21).
    const head = await getRoundHead(database.db, round.id);
    expect(head).toMatchObject({ id: round.id, kind: 'food', status: 'planning', time_limit_ms: round.time_limit_ms, seed: round.seed });
    const documents = ['allocation', 'roster', 'merge_note'];
    for (const document of documents) expect(head).not.toHaveProperty(document);
    const subs = await listSubproblems(database.db, round.id);
    expect(subs.map((s) => s.id)).toEqual(['sp1', 'sp2', 'sp3']);
    expect(flows.at(-1)).toEqual({ roundId: round.id, subs: ['sp1', 'sp2', 'sp3'] });

    const again = await startRound(deps, { areaId: district.districtId, kind: 'food', actor: 'dispatcher-2' });
    expect(again).toMatchObject({ created: false, round: { id: round.id } });

    const now = () => performance.now();
    for (const [k, s] of subs.entries()) {
      expect((await solveSubproblem({ db: database.db, now }, round.id, s.id)).status).toBe('solved');
      // Each solve sets the round's progress: 95% of the share of its sub-problems solved.
      expect((await getRound(database.db, round.id))?.progress).toBe(Math.round((95 * (k + 1)) / subs.length));
    }
    expect(await solveSubproblem({ db: database.db, now }, round.id, 'sp1')).toEqual({ status: 'skipped', reason: 'already-solved' });
    expect((await getRound(database.db, round.id))?.progress).toBe(95);
    expect(await mergeRound(database.db, round.id)).toBe('stored');
    expect(await mergeRound(database.db, round.id)).toBe('already-stored');
    // The reconciler's sweep and a repeated start read it without its documents, which the merge completed.
    expect(await getRound(database.db, round.id)).toMatchObject({ roster: expect.anything(), merge_note: expect.anything() });
    const swept = await roundsIn(database.db, ['proposed']);
    expect(swept.map((r) => r.id)).toEqual([round.id]);
    const repeated = (await startRound(deps, { areaId: district.districtId, kind: 'food', actor: 'dispatcher-2' })).round;
    for (const read of [...swept, repeated]) for (const document of documents) expect(read).not.toHaveProperty(document);

    const plan = await readPlan(database.db, round.id);
    const bagNeeds = plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId)));
    const served = new Set(bagNeeds);
    const unserved = new Set(plan.unserved.map((u) => u.needId));
    expect(served.size + unserved.size).toBe(district.needIds.length);
    for (const id of district.needIds) expect(served.has(id) !== unserved.has(id)).toBe(true);
    const counts = await planCounts(database.db, round.id);
    expect(counts.bags).toBe(bagNeeds.length);
    expect((await loadingList(database.db, round.id)).reduce((a, l) => a + l.bags, 0)).toBe(counts.bags);
    expect(await needStatusCounts(database, [...served])).toEqual({ planned: served.size });
    expect((await getRound(database.db, round.id))?.progress).toBe(100);

    await approveRound(database.db, round.id, 'dispatcher-1');
    const dispatched = await dispatchRound(database.db, round.id, 'dispatcher-1');
    expect(dispatched.status).toBe('dispatched');
    for (const document of documents) expect(dispatched).not.toHaveProperty(document);
    // Each vehicle's trips get one driver, and no driver drives two vehicles.
    const trips = (await readPlan(database.db, round.id)).trips;
    expect(trips.every((t) => t.driverId)).toBe(true);
    const driverOf = new Map(trips.map((t) => [t.vehicleId, t.driverId]));
    expect(new Set(driverOf.values()).size).toBe(driverOf.size);
    expect(await needStatusCounts(database, [...served])).toEqual({ out_for_delivery: served.size });
    // The plan and the dispatch moved the whole round: the bulk lane, behind residents' and drivers' changes.
    expect(await lanesOf('planned')).toEqual([true]);
    expect(await lanesOf('out_for_delivery')).toEqual([true]);
    await expect(approveRound(database.db, round.id, 'x')).rejects.toMatchObject({ code: 'invalid_transition' });

    // Drivers close stops: the round goes in progress, then completed; needs follow their stop.
    const stops = await database.db.selectFrom('round_stops').select(['id']).where('round_id', '=', round.id).orderBy('id').execute();
    const [failedStop, ...rest] = stops.map((s) => s.id);
    await database.db.updateTable('round_stops').set({ status: 'failed' }).where('id', '=', failedStop!).execute();
    const mid = await settleRound(database.db, round.id);
    expect(mid).toMatchObject({ status: 'in_progress', delivered: 0 });
    expect(mid!.failed).toBeGreaterThan(0);
    await database.db.updateTable('round_stops').set({ status: 'delivered' }).where('id', 'in', rest).execute();
    const end = await settleRound(database.db, round.id);
    expect(end).toMatchObject({ status: 'completed', failed: 0, delivered: served.size - mid!.failed });
    expect(await needStatusCounts(database, [...served])).toEqual({ delivered: served.size - mid!.failed, failed: mid!.failed });
    // What drivers report is not bulk: it goes out first.
    expect(await lanesOf('delivered')).toEqual([false]);
    expect(await lanesOf('failed')).toEqual([false]);
    expect(await settleRound(database.db, round.id)).toBeNull();
  });

  it('two rounds planned at once never share a vehicle', async () => {
    const other = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 2, vehicles: 4 }, 21);
    const deps = { db: database.db, producers, defaultTimeLimitMs: 100 };
    const [a, b] = await Promise.all(other.communityIds.map((areaId) => startRound(deps, { areaId, kind: 'food', actor: 'd' })));
    const fleet = async (id: string) => (await listSubproblems(database.db, id)).flatMap((s) => s.vehicle_ids);
    const [va, vb] = [await fleet(a!.round.id), await fleet(b!.round.id)];
    expect(va.length).toBeGreaterThan(0);
    expect(vb.length).toBeGreaterThan(0);
    expect(va.filter((v) => vb.includes(v))).toEqual([]);
    // Vehicles of the first district's dispatched round stay with it.
    expect(va.filter((v) => district.vehicleIds.includes(v)).length + vb.filter((v) => district.vehicleIds.includes(v)).length).toBeLessThanOrEqual(district.vehicleIds.length);
  });
});
