/**
 * Food and medicine rounds share the vans (issue #21): a round's fair share of the free fleet
 * counted only the waiting demand of its own kind, so with a short fleet the communities' food
 * rounds took every van (4, 3, 3 of 10) and the medicine round prepared after them got none. The
 * share now counts the waiting demand of every kind drawing on the same vans.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { NEED_KINDS_SHARING_FLEET } from '../../src/domain/round';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { startRound } from '../../src/services/rounds/round.service';
import { openTestDatabase, seedDistrict } from './round.fixtures';

const producers = { ready: () => true, addRoundFlow: async () => undefined };
let database: Database | undefined;

afterAll(async () => {
  if (database) { await dropSchema(database); await database.close(); }
});

/** One routine medicine need for each household of `communityId`, bought and packed in a bag of its own. */
async function packedMedicine(db: Database['db'], communityId: string): Promise<number> {
  await sql`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
    select id, corridor_id, community_id, 'medicine', 'drug a|5 mg', ${JSON.stringify({ drug: 'drug a', strength: '5 mg', quantity: 1 })}::jsonb, 'accepted', 'test'
    from households where community_id = ${communityId}`.execute(db);
  const supplier = (await sql<{ id: string }>`insert into suppliers (name, kind) values ('Pharmacy', 'pharmacy') returning id`.execute(db)).rows[0]!.id;
  const order = (await sql<{ id: string }>`insert into purchase_orders (supplier_id, community_id, order_day, status)
    values (${supplier}, ${communityId}, '2026-11-23', 'received') returning id`.execute(db)).rows[0]!.id;
  const bags = await sql`insert into medicine_bags (id, household_id, corridor_id, order_id, packed_by, packed_at)
    select 'MB-' || lpad(row_number() over (order by id)::text, 10, '0'), id, corridor_id, ${order}, 'packer', now() from households where community_id = ${communityId}`.execute(db);
  await sql`insert into medicine_bag_needs (need_id, bag_id) select n.id, b.id from needs n join medicine_bags b on b.household_id = n.household_id where n.kind = 'medicine'`.execute(db);
  return Number(bags.numAffectedRows);
}

describe('food and medicine rounds on one fleet', () => {
  it('counts each other as waiting: food rounds prepared first leave the medicine round its share (was 4, 3, 3 and none)', async () => {
    database = await openTestDatabase('fleet_kinds');
    // Three communities of 40 households (~55 food bags each), 10 vans of 20 bags, one trip each; 40 packed medicine bags in the last.
    const seeded = await seedDistrict(database, { communities: 3, corridorsPerCommunity: 4, householdsPerCorridor: 10, vehicles: 10, capacityBags: 20 });
    const db = database.db;
    await db.updateTable('vehicles').set({ max_trips: 1 }).execute();
    expect(await packedMedicine(db, seeded.communityIds[2]!)).toBe(40);
    const deps = { db, producers, defaultTimeLimitMs: 100 };
    const rounds = [];
    for (const areaId of seeded.communityIds) rounds.push((await startRound(deps, { areaId, kind: 'food', actor: 'scheduler' })).round.id);
    rounds.push((await startRound(deps, { areaId: seeded.districtId, kind: 'medicine', actor: 'scheduler' })).round.id);
    const taken = [];
    for (const id of rounds) taken.push((await listSubproblems(db, id)).flatMap((s) => s.vehicle_ids).length);
    expect(taken.every((n) => n > 0)).toBe(true);
    expect(taken.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10);
  });

  it('food and medicine rounds draw on one fleet, waste rounds on their own trucks', () => {
    expect(NEED_KINDS_SHARING_FLEET.food).toEqual(expect.arrayContaining(['food_package', 'medicine']));
    expect(NEED_KINDS_SHARING_FLEET.medicine).toEqual(NEED_KINDS_SHARING_FLEET.food);
    expect(NEED_KINDS_SHARING_FLEET.waste).toEqual(['waste_pickup']);
  });
});
