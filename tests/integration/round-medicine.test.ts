/**
 * Medicine reaches a round only once bought and packed: a round claims packed medicine (and
 * emergency medicine, which skips procurement as on the urgent path), leaves unpacked medicine
 * waiting, and puts each packed need on the manifest under its bag's label, the id drivers read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dropSchema, type Database } from '../../src/store/db';
import { countClaimableNeeds, listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const need: Record<'twoA' | 'twoB' | 'single' | 'waiting' | 'emergency', string> = { twoA: '', twoB: '', single: '', waiting: '', emergency: '' };

async function medicineNeed(householdId: string, drug: string, urgency: 'routine' | 'emergency'): Promise<string> {
  const res = await sql<{ id: string }>`
    insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, urgency, created_by)
    select id, corridor_id, community_id, 'medicine', ${drug}, ${JSON.stringify({ drug, strength: '5 mg', quantity: 1 })}::jsonb, 'accepted', ${urgency}, 'test'
    from households where id = ${householdId} returning id`.execute(database.db);
  return res.rows[0]!.id;
}

/** Packs needs into one household bag, as receiving a purchase order does. */
async function pack(bagId: string, orderId: string, householdId: string, needIds: string[]): Promise<void> {
  await sql`insert into medicine_bags (id, household_id, corridor_id, order_id, packed_by, packed_at)
    select ${bagId}, id, corridor_id, ${orderId}, 'packer', now() from households where id = ${householdId}`.execute(database.db);
  for (const id of needIds) await sql`insert into medicine_bag_needs (need_id, bag_id) values (${id}, ${bagId})`.execute(database.db);
}

beforeAll(async () => {
  database = await openTestDatabase('round_medicine');
  district = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 2, vehicles: 2 });
  const households = (await sql<{ id: string }>`select id from households order by corridor_id, address`.execute(database.db)).rows.map((r) => r.id);
  const [h0, h1, h2, h3] = households as [string, string, string, string];
  need.twoA = await medicineNeed(h0, 'drug a', 'routine');
  need.twoB = await medicineNeed(h0, 'drug b', 'routine');
  need.single = await medicineNeed(h3, 'drug a', 'routine');
  need.waiting = await medicineNeed(h1, 'drug c', 'routine');
  need.emergency = await medicineNeed(h2, 'drug d', 'emergency');
  const supplier = (await sql<{ id: string }>`insert into suppliers (name, kind) values ('Pharmacy', 'pharmacy') returning id`.execute(database.db)).rows[0]!.id;
  const order = (await sql<{ id: string }>`insert into purchase_orders (supplier_id, community_id, order_day, status)
    values (${supplier}, ${district.communityIds[0]!}, '2026-11-23', 'received') returning id`.execute(database.db)).rows[0]!.id;
  await pack('MB-AAAAAAAAAA', order, h0, [need.twoA, need.twoB]);
  await pack('MB-BBBBBBBBBB', order, h3, [need.single]);
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('medicine in rounds', () => {
  it('a round claims packed and emergency medicine; unpacked medicine waits for its purchase', async () => {
    expect(await countClaimableNeeds(database.db, district.districtId, 'medicine')).toBe(4);
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId: district.districtId, kind: 'medicine', actor: 'd' });
    const claimed = (await sql<{ need_id: string }>`select need_id from round_needs where round_id = ${round.id} order by need_id`.execute(database.db)).rows.map((r) => r.need_id);
    expect(claimed).toEqual([need.twoA, need.twoB, need.single, need.emergency].sort());

    for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    expect(await mergeRound(database.db, round.id)).toBe('stored');
    const plan = await readPlan(database.db, round.id);
    const bags = new Map(plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => [b.needId, b.bagId] as const))));
    expect(bags.size).toBe(4);
    // A household's two drugs share one bag: the first need carries its label, the second a suffix of it.
    expect([bags.get(need.twoA), bags.get(need.twoB)].sort()).toEqual(['MB-AAAAAAAAAA', 'MB-AAAAAAAAAA-2']);
    expect(bags.get(need.single)).toBe('MB-BBBBBBBBBB');
    expect(bags.get(need.emergency)).toBe(`${need.emergency}-1`); // never bought: the generated id

    const status = (await sql<{ status: string }>`select status from needs where id = ${need.waiting}`.execute(database.db)).rows[0]!.status;
    expect(status).toBe('accepted');
    // Packed later, it is claimable by the next round.
    await pack('MB-CCCCCCCCCC', (await sql<{ id: string }>`select id from purchase_orders`.execute(database.db)).rows[0]!.id,
      (await sql<{ household_id: string }>`select household_id from needs where id = ${need.waiting}`.execute(database.db)).rows[0]!.household_id, [need.waiting]);
    expect(await countClaimableNeeds(database.db, district.districtId, 'medicine')).toBe(1);
  });
});
