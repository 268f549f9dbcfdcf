/**
 * Rounds and stock wired together on the real PostgreSQL: the merge stores a plan and reserves its
 * stock in one commit, leaving the stops the depot cannot cover unserved (`stock-short`); a re-plan
 * gives back the stock of the stops it drops (locked stops keep theirs); dispatch deducts per trip;
 * a failed round gives everything back. The ledger stays balanced throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '../../src/shared/clock';
import { dropSchema, type Database } from '../../src/store/db';
import { getRound, listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { ledgerMismatches, listBalances } from '../../src/store/stock-read.repository';

import { defineItem, defineKit } from '../../src/services/stock/kit.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { approveRound, dispatchRound, failRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { replanRound, setStopLock } from '../../src/services/rounds/round-replan.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const deps = () => ({ db: database.db, clock });
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const members = new Map<string, number>();
/** Rice packs the kit gives a household: 1 for one or two people, 2 from three. */
const riceOf = (needId: string) => ((members.get(needId) ?? 0) <= 2 ? 1 : 2);
const rice = async () => (await listBalances(database.db, { depotId: district.depotId, itemCode: 'rice-5kg' }))[0]!;

async function planAll(roundId: string): Promise<void> {
  for (const s of await listSubproblems(database.db, roundId)) await solveSubproblem({ db: database.db, now: () => performance.now() }, roundId, s.id);
  expect(await mergeRound(database.db, roundId, clock)).toBe('stored');
}

/** Rice each stop of the round holds in the ledger (reservations less releases and deductions). */
async function heldPerStop(roundId: string): Promise<Map<string, number>> {
  const rows = await sql<{ stop_id: string; held: string }>`
    select stop_id::text as stop_id, sum(reserved_delta) as held from stock_ledger
    where round_id = ${roundId} and item_code = 'rice-5kg' group by stop_id having sum(reserved_delta) <> 0`.execute(database.db);
  return new Map(rows.rows.map((r) => [r.stop_id, Number(r.held)]));
}

async function unservedFor(roundId: string, reason: string): Promise<string[]> {
  const rows = await sql<{ need_id: string }>`select need_id from round_unserved where round_id = ${roundId} and reason = ${reason} order by need_id`.execute(database.db);
  return rows.rows.map((r) => r.need_id);
}

beforeAll(async () => {
  database = await openTestDatabase('round_stock');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 3, householdsPerCorridor: 4, vehicles: 3 });
  const rows = await sql<{ id: string; members: number }>`select n.id, h.members from needs n join households h on h.id = n.household_id`.execute(database.db);
  for (const r of rows.rows) members.set(r.id, r.members);
  await defineItem(deps(), { code: 'rice-5kg', name: 'Rice 5 kg', unit: 'pack', weightKg: 5, volumeL: 6 });
  await defineItem(deps(), { code: 'oil-1l', name: 'Oil 1 l', unit: 'bottle', weightKg: 0.95, volumeL: 1 });
  await defineKit(deps(), 'food_package', { name: 'Food package', variants: [
    { name: 'small', minMembers: 1, maxMembers: 2, lines: [{ code: 'rice-5kg', quantity: 1 }, { code: 'oil-1l', quantity: 1 }] },
    { name: 'large', minMembers: 3, maxMembers: 30, lines: [{ code: 'rice-5kg', quantity: 2 }, { code: 'oil-1l', quantity: 1 }] },
  ] });
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 20 }, 'clerk');
  await receiveStock(deps(), { depotId: district.depotId, itemCode: 'oil-1l', quantity: 100 }, 'clerk');
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('a round reserves its stock as its plan is stored', () => {
  let roundId: string;

  it('under shortage, stores the stops the depot can cover, reserved, and leaves the others unserved as stock-short', async () => {
    const needed = district.needIds.reduce((s, id) => s + riceOf(id), 0);
    expect(needed).toBeGreaterThan(20); // the fixture is short of rice
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
    roundId = round.id;
    await planAll(roundId);

    const plan = await readPlan(database.db, roundId);
    const onPlan = plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId)));
    const short = await unservedFor(roundId, 'stock-short');
    expect(short.length).toBeGreaterThan(0);
    expect(onPlan.filter((id) => short.includes(id))).toEqual([]);
    // Every stop on the plan holds exactly its rice; nothing beyond what the depot has.
    const held = await heldPerStop(roundId);
    // Trips closed ranks where stops left: positions 0..n-1.
    const seqs = await sql<{ trip_id: string; seqs: number[] }>`select trip_id, array_agg(seq order by seq) as seqs from round_stops where round_id = ${roundId} group by trip_id`.execute(database.db);
    for (const r of seqs.rows) expect(r.seqs).toEqual(r.seqs.map((_, i) => i));
    for (const t of plan.trips) {
      for (const s of t.stops) expect(held.get(s.id!)).toBe([...new Set(s.bags.map((b) => b.needId))].reduce((n, id) => n + riceOf(id), 0));
    }
    const balance = await rice();
    expect(balance).toMatchObject({ onHand: 20, reserved: [...held.values()].reduce((a, b) => a + b, 0) });
    // A stop was dropped only because what was left could not cover it.
    const shortByCorridor = new Map<string, number>();
    const corridorOf = new Map((await sql<{ id: string; corridor_id: string }>`select id, corridor_id from needs`.execute(database.db)).rows.map((r) => [r.id, r.corridor_id]));
    for (const id of short) shortByCorridor.set(corridorOf.get(id)!, (shortByCorridor.get(corridorOf.get(id)!) ?? 0) + riceOf(id));
    for (const q of shortByCorridor.values()) expect(q).toBeGreaterThan(balance.onHand - balance.reserved);
    const statuses = (await sql<{ status: string; n: string }>`select status, count(*) as n from needs where id in (${sql.join(short)}) group by status`.execute(database.db)).rows;
    expect(statuses).toEqual([{ status: 'accepted', n: String(short.length) }]);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('a retried merge reserves nothing twice', async () => {
    const before = await rice();
    expect(await mergeRound(database.db, roundId, clock)).toBe('already-stored');
    expect(await rice()).toEqual(before);
  });

  it('a re-plan releases the dropped stops first; locked stops keep theirs; the new plan reserves again', async () => {
    await receiveStock(deps(), { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 40 }, 'clerk');
    const plan = await readPlan(database.db, roundId);
    const kept = plan.trips[0]!.stops[0]!;
    await setStopLock(database.db, roundId, kept.id!, true);
    const keptRice = (await heldPerStop(roundId)).get(kept.id!)!;

    await replanRound({ db: database.db, producers, clock }, roundId, 'd');
    expect([...(await heldPerStop(roundId))]).toEqual([[kept.id, keptRice]]);
    expect(await rice()).toMatchObject({ onHand: 60, reserved: keptRice });

    await planAll(roundId);
    expect(await unservedFor(roundId, 'stock-short')).toEqual([]);
    const held = await heldPerStop(roundId);
    expect(held.get(kept.id!)).toBe(keptRice); // not reserved a second time
    const all = district.needIds.reduce((s, id) => s + riceOf(id), 0);
    expect(await rice()).toMatchObject({ onHand: 60, reserved: all });
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('dispatch deducts every trip: the rice leaves the depot and no reservation is left', async () => {
    const all = district.needIds.reduce((s, id) => s + riceOf(id), 0);
    await approveRound(database.db, roundId, 'd');
    await dispatchRound(database.db, roundId, 'loader', clock);
    expect(await rice()).toMatchObject({ onHand: 60 - all, reserved: 0 });
    expect(await heldPerStop(roundId)).toEqual(new Map());
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('a round that fails after a re-plan gives back what its locked stops hold', async () => {
    // Back the needs go for a second round (the first one is out; its stock is gone).
    await sql`update needs set status = 'accepted'`.execute(database.db);
    await sql`update rounds set status = 'completed' where id = ${roundId}`.execute(database.db);
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId: district.districtId, kind: 'food', actor: 'd' });
    await planAll(round.id);
    const kept = (await readPlan(database.db, round.id)).trips[0]!.stops[0]!;
    await setStopLock(database.db, round.id, kept.id!, true);
    await replanRound({ db: database.db, producers, clock }, round.id, 'd');
    expect((await rice()).reserved).toBeGreaterThan(0);
    expect(await failRound(database.db, round.id, 'solver gave up', clock)).toBe(true);
    expect(await getRound(database.db, round.id)).toMatchObject({ status: 'failed' });
    expect((await rice()).reserved).toBe(0);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });
});
