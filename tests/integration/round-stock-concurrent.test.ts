/**
 * Two rounds of two communities, one depot short of rice, merged at the same moment: each stores its
 * plan with what it could reserve; together they never hold more than the depot has, every stop on a
 * plan holds exactly its rice, and the ledger explains the balance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '../../src/shared/clock';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { ledgerMismatches, listBalances } from '../../src/store/stock-read.repository';

import { defineItem, defineKit } from '../../src/services/stock/kit.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const deps = () => ({ db: database.db, clock });
const producers = { ready: () => true, addRoundFlow: async () => undefined };

beforeAll(async () => {
  database = await openTestDatabase('round_stock_concurrent');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 3, householdsPerCorridor: 4, vehicles: 2 });
  await defineItem(deps(), { code: 'rice-5kg', name: 'Rice 5 kg', unit: 'pack', weightKg: 5, volumeL: 6 });
  await defineKit(deps(), 'food_package', { name: 'Food package', variants: [{ name: 'any', minMembers: 1, maxMembers: 30, lines: [{ code: 'rice-5kg', quantity: 1 }] }] });
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 15 }, 'clerk');
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('concurrent rounds on one short depot', () => {
  it('share the stock without going over it or losing a reservation', async () => {
    const rounds: string[] = [];
    for (const communityId of district.communityIds) {
      // Each round takes the whole free fleet: give the second its own vehicles.
      if (rounds.length) {
        await database.db.insertInto('vehicles').values([0, 1].map((v) => ({ depot_id: district.depotId, name: `W${v}`, capacity: JSON.stringify({ bags: 60 }) }))).execute();
      }
      const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId: communityId, kind: 'food', actor: 'd' });
      rounds.push(round.id);
      for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    }
    expect(await Promise.all(rounds.map((id) => mergeRound(database.db, id, clock)))).toEqual(['stored', 'stored']);

    let onPlans = 0;
    for (const id of rounds) {
      const held = new Map((await sql<{ stop_id: string; held: string }>`
        select stop_id::text as stop_id, sum(reserved_delta) as held from stock_ledger where round_id = ${id} group by stop_id`.execute(database.db)).rows.map((r) => [r.stop_id, Number(r.held)]));
      for (const t of (await readPlan(database.db, id)).trips) {
        for (const s of t.stops) expect(held.get(s.id!)).toBe(new Set(s.bags.map((b) => b.needId)).size); // one pack per household
      }
      onPlans += [...held.values()].reduce((a, b) => a + b, 0);
    }
    const short = await sql<{ n: string }>`select count(*) as n from round_unserved where reason = 'stock-short'`.execute(database.db);
    expect(onPlans + Number(short.rows[0]!.n)).toBe(district.needIds.length); // 24 households, 15 packs
    expect(onPlans).toBeLessThanOrEqual(15);
    expect(onPlans).toBeGreaterThan(15 - 4); // a dropped stop (4 households) did not fit in what was left
    expect((await listBalances(database.db, { itemCode: 'rice-5kg' }))[0]).toMatchObject({ onHand: 15, reserved: onPlans });
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });
});
