/**
 * Cancelling a need a round carries, on the real PostgreSQL: before dispatch the need leaves its
 * stop's manifest and exactly its stock is released (an emptied stop leaves its trip and the driver's
 * batch); the dispatch desk and the corridor get a live event; a repeated cancel is replayed; once
 * the bags are on the van the cancel is refused (409); a cancel racing a dispatch never leaves stock
 * reserved for a cancelled need.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { liveEventSchema, type LiveEvent, type Scope } from '../../src/contracts/events';
import type { Staged } from '../../src/services/live-status/live.service';
import type { Actor } from '../../src/domain/access';
import { ManualClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { heldByRound, ledgerMismatches, listBalances } from '../../src/store/stock-read.repository';

import { driverBatches } from '../../src/services/deliveries/driver-batches.service';
import { defineItem, defineKit } from '../../src/services/stock/kit.service';
import { cancelNeed, type CancelDeps } from '../../src/services/needs/needs-read.service';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { receiveStock } from '../../src/services/stock/stock.service';
import { until } from './queue.fixtures';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const dispatcher: Actor = { userId: 'dispatcher-1', role: 'dispatcher', corridorIds: [], communityIds: [] };
const members = new Map<string, number>();
/** Rice packs the kit gives a household: 1 for one or two people, 2 from three. */
const riceOf = (needId: string) => ((members.get(needId) ?? 0) <= 2 ? 1 : 2);
const rice = async (depotId = district.depotId) => (await listBalances(database.db, { depotId, itemCode: 'rice-5kg' }))[0]!;

/** A publisher that checks every event against the schema, as the real one does, and records it. */
const stored: { scopes: readonly Scope[]; event: LiveEvent }[] = [];
const released: Staged[] = [];
/** The scopes of each staged store, for what its release sends. */
const scopesOf = new Map<Staged, readonly Scope[]>();
const live: NonNullable<CancelDeps['live']> = {
  store: async (_trx, scopes, event) => {
    const checked = liveEventSchema.parse(event);
    stored.push({ scopes, event: checked });
    const staged = { rowIds: [] };
    scopesOf.set(staged, scopes);
    return [staged];
  },
  release: async (staged) => {
    released.push(...staged);
    return [];
  },
};
const deps = (): CancelDeps => ({ db: database.db, clock, audit: undefined, foodCycleDays: 7, live });
const cancel = (needId: string, key?: string) =>
  cancelNeed(deps(), dispatcher, needId, 'household moved away', { idempotency: key ? { key, requestHash: `cancel-${needId}` } : undefined });

async function plannedRound(areaId: string): Promise<string> {
  const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId, kind: 'food', actor: 'd' });
  for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
  expect(await mergeRound(database.db, round.id, clock)).toBe('stored');
  return round.id;
}

/** Rice each stop of the round holds (reservations less releases and deductions). */
async function riceHeld(roundId: string): Promise<Map<string, number>> {
  const held = await heldByRound(database.db, roundId);
  return new Map(held.filter((h) => h.itemCode === 'rice-5kg').map((h) => [h.stopId!, h.held]));
}

const needStatus = async (id: string) => (await database.db.selectFrom('needs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

beforeAll(async () => {
  database = await openTestDatabase('need_cancel_round');
  // Three households per corridor share a gate: stops carry several needs.
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 3, vehicles: 2 });
  const rows = await sql<{ id: string; members: number }>`select n.id, h.members from needs n join households h on h.id = n.household_id`.execute(database.db);
  for (const r of rows.rows) members.set(r.id, r.members);
  const d = { db: database.db, clock };
  await defineItem(d, { code: 'rice-5kg', name: 'Rice 5 kg', unit: 'pack', weightKg: 5, volumeL: 6 });
  await defineItem(d, { code: 'oil-1l', name: 'Oil 1 l', unit: 'bottle', weightKg: 0.95, volumeL: 1 });
  await defineKit(d, 'food_package', { name: 'Food package', variants: [
    { name: 'small', minMembers: 1, maxMembers: 2, lines: [{ code: 'rice-5kg', quantity: 1 }, { code: 'oil-1l', quantity: 1 }] },
    { name: 'large', minMembers: 3, maxMembers: 30, lines: [{ code: 'rice-5kg', quantity: 2 }, { code: 'oil-1l', quantity: 1 }] },
  ] });
  await receiveStock(d, { depotId: district.depotId, itemCode: 'rice-5kg', quantity: 100 }, 'clerk');
  await receiveStock(d, { depotId: district.depotId, itemCode: 'oil-1l', quantity: 100 }, 'clerk');
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('cancelling a need planned in a round', () => {
  let roundId: string;
  const cancelled: string[] = [];

  it('before dispatch: the need leaves its stop, exactly its stock is released, the desk and the corridor hear of it', async () => {
    roundId = await plannedRound(district.districtId);
    const plan = await readPlan(database.db, roundId);
    const stop = plan.trips.flatMap((t) => t.stops).find((s) => new Set(s.bags.map((b) => b.needId)).size >= 2)!;
    expect(stop).toBeDefined();
    const needId = stop.bags[0]!.needId;
    const others = [...new Set(stop.bags.map((b) => b.needId))].filter((id) => id !== needId);
    const heldBefore = await riceHeld(roundId);
    const before = await rice();

    const res = await cancel(needId, 'k-1');
    cancelled.push(needId);
    expect(res.body.need.status).toBe('cancelled');
    expect(await needStatus(needId)).toBe('cancelled');

    // Exactly that need's share: the stop keeps the rest, the depot gets the rest back.
    expect((await riceHeld(roundId)).get(stop.id!)).toBe(heldBefore.get(stop.id!)! - riceOf(needId));
    expect(await rice()).toMatchObject({ onHand: before.onHand, reserved: before.reserved - riceOf(needId) });
    const releases = await sql<{ item_code: string; reserved_delta: number; reason: string }>`
      select item_code, reserved_delta, reason from stock_ledger where round_id = ${roundId} and movement = 'release' order by item_code`.execute(database.db);
    expect(releases.rows).toEqual([
      { item_code: 'oil-1l', reserved_delta: -1, reason: `need ${needId} cancelled` },
      { item_code: 'rice-5kg', reserved_delta: -riceOf(needId), reason: `need ${needId} cancelled` },
    ]);
    expect(await ledgerMismatches(database.db)).toEqual([]);

    const after = (await readPlan(database.db, roundId)).trips.flatMap((t) => t.stops).find((s) => s.id === stop.id)!;
    expect(after.bags.map((b) => b.needId)).not.toContain(needId);
    expect([...new Set(after.bags.map((b) => b.needId))].sort()).toEqual(others.sort());
    for (const id of others) expect(await needStatus(id)).toBe('planned');

    const history = await database.db.selectFrom('need_status_history').select(['from_status', 'to_status', 'note']).where('need_id', '=', needId).orderBy('id').execute();
    expect(history.at(-1)).toEqual({ from_status: 'planned', to_status: 'cancelled', note: 'household moved away' });

    expect(stored).toHaveLength(1);
    const corridor = (await database.db.selectFrom('needs').select(['corridor_id', 'household_id']).where('id', '=', needId).executeTakeFirstOrThrow());
    expect(stored[0]!.scopes).toEqual(['dispatch', `corridor:${corridor.corridor_id}`]);
    expect(stored[0]!.event).toMatchObject({ type: 'round.manifest_changed', roundId, stopId: stop.id, needId, householdId: corridor.household_id, change: 'need_cancelled', stopRemoved: false });
    expect((stored[0]!.event as { bagIds: string[] }).bagIds).toEqual(stop.bags.filter((b) => b.needId === needId).map((b) => b.bagId).sort());
    // Ids only: nothing of the need's details travels.
    expect(JSON.stringify(stored[0]!.event)).not.toContain('cycle');
    expect(released.flatMap((s) => scopesOf.get(s)!)).toEqual(stored[0]!.scopes); // released after commit
  });

  it('a repeated cancel with the same Idempotency-Key is replayed: no second release, no second event', async () => {
    const needId = cancelled[0]!;
    const ledger = await sql<{ n: string }>`select count(*) as n from stock_ledger`.execute(database.db);
    const res = await cancel(needId, 'k-1');
    expect(res.replayed).toBe(true);
    expect(res.body.need.status).toBe('cancelled');
    expect((await sql<{ n: string }>`select count(*) as n from stock_ledger`.execute(database.db)).rows).toEqual(ledger.rows);
    expect(stored).toHaveLength(1);
    // Without the key, a cancelled need stays cancelled: refused, nothing changes.
    await expect(cancel(needId)).rejects.toMatchObject({ code: 'invalid_transition' });
    expect((await sql<{ n: string }>`select count(*) as n from stock_ledger`.execute(database.db)).rows).toEqual(ledger.rows);
  });

  it('cancelling every need of a stop removes the stop from its trip; the trip closes ranks', async () => {
    const plan = await readPlan(database.db, roundId);
    const trip = plan.trips.find((t) => t.stops.length >= 2)!;
    const stop = trip.stops[0]!;
    const ids = [...new Set(stop.bags.map((b) => b.needId))];
    for (const id of ids) await cancel(id);
    cancelled.push(...ids);

    const after = await readPlan(database.db, roundId);
    const afterTrip = after.trips.find((t) => t.id === trip.id)!;
    expect(afterTrip.stops.map((s) => s.id)).toEqual(trip.stops.slice(1).map((s) => s.id));
    const seqs = await sql<{ seq: number }>`select seq from round_stops where round_id = ${roundId} and trip_id = ${trip.id} order by seq`.execute(database.db);
    expect(seqs.rows.map((r) => r.seq)).toEqual(afterTrip.stops.map((_, i) => i));
    expect((await riceHeld(roundId)).has(stop.id!)).toBe(false);
    expect(stored.at(-1)!.event).toMatchObject({ type: 'round.manifest_changed', stopId: stop.id, stopRemoved: true });
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('after dispatch no cancelled need is on a driver\'s batch and no stock stays reserved; the van carries only the rest', async () => {
    const before = await rice();
    const onPlan = [...new Set((await readPlan(database.db, roundId)).trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId))))];
    expect(onPlan.filter((id) => cancelled.includes(id))).toEqual([]);
    await approveRound(database.db, roundId, 'd');
    await dispatchRound(database.db, roundId, 'd', clock);

    expect(await heldByRound(database.db, roundId)).toEqual([]);
    expect(await rice()).toMatchObject({ onHand: before.onHand - onPlan.reduce((s, id) => s + riceOf(id), 0), reserved: 0 });
    const drivers = await sql<{ driver_id: string }>`select distinct driver_id from round_trips where round_id = ${roundId} and driver_id is not null`.execute(database.db);
    const batches = (await Promise.all(drivers.rows.map((d) => driverBatches(database.db, d.driver_id)))).flat();
    const households = new Set<string | null>((await database.db.selectFrom('needs').select('household_id').where('id', 'in', cancelled).execute()).map((r) => r.household_id));
    const stops = batches.flatMap((b) => b.stops);
    expect(stops.length).toBeGreaterThan(0);
    for (const s of stops) {
      expect(s.bags.length).toBeGreaterThan(0); // no emptied stop on a batch
      for (const b of s.bags) expect(households.has(b.householdId)).toBe(false);
    }
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('once the bags are on the van, a cancel is refused (409) and nothing changes: the driver reports it at the door', async () => {
    const plan = await readPlan(database.db, roundId);
    const stop = plan.trips[0]!.stops[0]!;
    const needId = stop.bags[0]!.needId;
    expect(await needStatus(needId)).toBe('out_for_delivery');
    const before = await rice();
    const events = stored.length;
    const err = await cancel(needId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('on the van') });
    expect((err as AppError).details).toMatchObject({ roundId, stopId: stop.id });
    expect(await needStatus(needId)).toBe('out_for_delivery');
    expect(await rice()).toEqual(before);
    expect((await readPlan(database.db, roundId)).trips[0]!.stops[0]!.bags).toEqual(stop.bags);
    expect(stored.length).toBe(events);
  });
});

type Outcome = { ok: true } | { ok: false; error: unknown };
const settle = (p: Promise<unknown>): Promise<Outcome> => p.then(() => ({ ok: true as const }), (error: unknown) => ({ ok: false as const, error }));

/** Waits until a session other than `except` waits on a lock held by one of `holders`; returns its pid. */
async function blockedBehind(holders: number[], except: number[] = []): Promise<number> {
  let pid: number | undefined;
  await until(async () => {
    const rows = await sql<{ pid: number }>`
      select pid from pg_stat_activity where pg_blocking_pids(pid) && ${sql.val(holders)}::int[] and not (pid = any(${sql.val(except)}::int[]))`.execute(database.db);
    pid = rows.rows[0]?.pid;
    return pid !== undefined;
  }, 15_000, 10).catch(() => {
    throw new Error('no session queued on the round');
  });
  return pid!;
}

/** A fresh district's round, approved, with its rice and oil stocked. */
async function approvedRound(seed: number): Promise<{ roundId: string; needIds: string[] }> {
  const other = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 3, vehicles: 2 }, seed);
  const rows = await sql<{ id: string; members: number }>`select n.id, h.members from needs n join households h on h.id = n.household_id where n.id in (${sql.join(other.needIds)})`.execute(database.db);
  for (const r of rows.rows) members.set(r.id, r.members);
  await receiveStock({ db: database.db, clock }, { depotId: other.depotId, itemCode: 'rice-5kg', quantity: 100 }, 'clerk');
  await receiveStock({ db: database.db, clock }, { depotId: other.depotId, itemCode: 'oil-1l', quantity: 100 }, 'clerk');
  const roundId = await plannedRound(other.districtId);
  await approveRound(database.db, roundId, 'd');
  return { roundId, needIds: other.needIds };
}

/** Rice the round's vans took from their depots (depots sit together in the fixture: count on the round's ledger). */
async function riceDeducted(roundId: string): Promise<number> {
  const r = await sql<{ n: string }>`select coalesce(-sum(on_hand_delta), 0) as n from stock_ledger where round_id = ${roundId} and item_code = 'rice-5kg' and movement = 'deduction'`.execute(database.db);
  return Number(r.rows[0]!.n);
}

describe('a cancel racing a dispatch', () => {
  // Both writers queue on the round's row behind a held lock; PostgreSQL grants it in arrival order,
  // so each ordering is played for real, concurrently, rather than left to chance.
  for (const first of ['cancel', 'dispatch'] as const) {
    it(`${first} first: no stock stays reserved for a cancelled need, the van loads exactly the rest`, async () => {
      const { roundId, needIds } = await approvedRound(first === 'cancel' ? 11 : 12);
      const needId = needIds[0]!;
      const start = () => settle(cancel(needId));
      const dispatch = () => settle(dispatchRound(database.db, roundId, 'd', clock));
      const [a, b] = await database.db.transaction().execute(async (gate) => {
        await sql`select id from rounds where id = ${roundId} for update`.execute(gate);
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(gate)).rows[0]!.pid;
        const one = first === 'cancel' ? start() : dispatch();
        const p1 = await blockedBehind([pid]);
        const two = first === 'cancel' ? dispatch() : start();
        await blockedBehind([pid, p1], [p1]);
        return [one, two];
      });
      const [cancelled, dispatched] = first === 'cancel' ? [await a, await b] : [await b, await a];
      expect(dispatched).toEqual({ ok: true });
      if (first === 'cancel') {
        expect(cancelled).toEqual({ ok: true });
        expect(await needStatus(needId)).toBe('cancelled');
      } else {
        expect(cancelled).toMatchObject({ ok: false, error: { code: 'invalid_transition', message: expect.stringContaining('on the van') } });
        expect(await needStatus(needId)).toBe('out_for_delivery');
      }
      expect(await heldByRound(database.db, roundId)).toEqual([]);
      const loaded = needIds.filter((id) => id !== needId || first === 'dispatch');
      expect(await riceDeducted(roundId)).toBe(loaded.reduce((s, id) => s + riceOf(id), 0));
      expect(await ledgerMismatches(database.db)).toEqual([]);
    });
  }

  it('many cancels racing a dispatch, unordered: each need is either cancelled with nothing held or loaded', async () => {
    const { roundId, needIds } = await approvedRound(14);
    const racing = needIds.slice(0, 3);
    const outcomes = await Promise.all([...racing.map((id) => settle(cancel(id))), settle(dispatchRound(database.db, roundId, 'd', clock))]);
    expect(outcomes.at(-1)).toEqual({ ok: true });
    for (const [i, o] of outcomes.slice(0, -1).entries()) {
      if (!o.ok) expect(o.error).toMatchObject({ code: 'invalid_transition' });
      expect(await needStatus(racing[i]!)).toBe(o.ok ? 'cancelled' : 'out_for_delivery');
    }
    expect(await heldByRound(database.db, roundId)).toEqual([]);
    const loaded = needIds.filter((id, i) => i >= racing.length || !outcomes[i]!.ok);
    expect(await riceDeducted(roundId)).toBe(loaded.reduce((s, id) => s + riceOf(id), 0));
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('a need cancelled while its round is being planned is left off the stored plan, with nothing reserved for it', async () => {
    const third = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 2, vehicles: 1 }, 13);
    const rows = await sql<{ id: string; members: number }>`select n.id, h.members from needs n join households h on h.id = n.household_id where n.id in (${sql.join(third.needIds)})`.execute(database.db);
    for (const r of rows.rows) members.set(r.id, r.members);
    await receiveStock({ db: database.db, clock }, { depotId: third.depotId, itemCode: 'rice-5kg', quantity: 100 }, 'clerk');
    await receiveStock({ db: database.db, clock }, { depotId: third.depotId, itemCode: 'oil-1l', quantity: 100 }, 'clerk');
    const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 150 }, { areaId: third.districtId, kind: 'food', actor: 'd' });
    for (const s of await listSubproblems(database.db, round.id)) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    // The solver's result includes the need; it is cancelled before the merge stores the plan.
    const gone = third.needIds[0]!;
    await cancel(gone);
    expect(await mergeRound(database.db, round.id, clock)).toBe('stored');

    const onPlan = (await readPlan(database.db, round.id)).trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId)));
    expect(onPlan).not.toContain(gone);
    expect(await needStatus(gone)).toBe('cancelled');
    const kept = [...new Set(onPlan)];
    expect(kept.length).toBe(third.needIds.length - 1);
    expect([...(await riceHeld(round.id)).values()].reduce((a, b) => a + b, 0)).toBe(kept.reduce((n, id) => n + riceOf(id), 0));
    const seqs = await sql<{ seqs: number[] }>`select array_agg(seq order by seq) as seqs from round_stops where round_id = ${round.id} group by trip_id`.execute(database.db);
    for (const r of seqs.rows) expect(r.seqs).toEqual(r.seqs.map((_, i) => i));
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('a planned need no round carries (a medical pass) is cancelled as before', async () => {
    const lone = await seedDistrict(database, { communities: 1, corridorsPerCommunity: 1, householdsPerCorridor: 1, vehicles: 1 }, 15);
    const needId = lone.needIds[0]!;
    await database.db.updateTable('needs').set({ status: 'planned' }).where('id', '=', needId).execute();
    const events = stored.length;
    expect((await cancel(needId)).body.need.status).toBe('cancelled');
    expect(stored.length).toBe(events);
  });
});
