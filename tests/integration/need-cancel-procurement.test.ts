/**
 * `POST /api/needs/:needId/cancel` for a medicine need on a purchase order not yet received: the need
 * leaves the order, so a later receipt never packs it. On an open order its line shrinks by the need's
 * quantity (and goes at zero); on a sent order the line stays as the supplier has it and the units
 * received for the cancelled need stay unpacked. A need already packed is recorded as returned from its
 * household bag (medicine_bag_returns, shown on the order). The stock ledger is not touched (medicine is not stock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medicineBagsOf } from '../../src/services/procurement/procurement.service';
import { ManualClock } from '../../src/shared/clock';
import { ledgerMismatches } from '../../src/store/stock-read.repository';

import { startWorld, type World } from './auth.fixture';

let world: World;
let staff: string;
const needs: Record<string, string> = {};

async function medicineNeed(name: string, household: string, drug: string, quantity: number, at: string) {
  const g = world.grid;
  const row = await world.database.db.insertInto('needs').values({
    household_id: household, corridor_id: g.c1, community_id: g.m1, kind: 'medicine', identity_key: `${drug}|5 mg`.toLowerCase(),
    details: JSON.stringify({ drug, strength: '5 mg', quantity, urgency: 'routine' }), status: 'accepted', failure_reason: null, cycle: null, created_by: 'test', created_at: at,
  }).returning('id').executeTakeFirstOrThrow();
  needs[name] = row.id;
}

type Order = {
  id: string; orderDay: string; status: string; lines: { id: string; drug: string; quantity: number; needs: { needId: string }[] }[];
  bags: { bagId: string; needIds: string[]; returnedNeedIds: string[] }[];
};
const body = async <T>(res: Response) => (await res.json()) as T;
const readOrder = async (id: string) => (await body<{ order: Order }>(await world.request('GET', `/api/procurement/orders/${id}`, { token: staff }))).order;
const cancel = (needId: string) => world.request('POST', `/api/needs/${needId}/cancel`, { token: staff, body: { reason: 'no longer needed' } });
const receive = (orderId: string, lineId: string, quantity: number) =>
  world.request('POST', `/api/procurement/orders/${orderId}/receipts`, { token: staff, body: { received: [{ lineId, quantity }] } });
const needStatus = async (id: string) => (await world.database.db.selectFrom('needs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

beforeAll(async () => {
  world = await startWorld('cancel_procure', { clock: new ManualClock('2026-11-23T10:00:00Z'), env: { PROCUREMENT_CUTOFF: '16:00+08:00' } });
  const g = world.grid;
  staff = await world.login('community_staff');
  const admin = await world.login('admin');
  expect((await world.request('POST', '/api/procurement/suppliers', { token: admin, body: { name: 'Wholesaler', kind: 'supplier', isDefault: true } })).status).toBe(201);
  // Day 1 (before the 08:00Z cut-off): an open order. Day 2: an order that is sent before the cancel.
  await medicineNeed('a1', g.h1, 'Alphazol', 10, '2026-11-23T07:00:00Z');
  await medicineNeed('a2', g.h2, 'Alphazol', 20, '2026-11-23T07:10:00Z');
  await medicineNeed('b1', g.h3, 'Betazol', 3, '2026-11-23T07:20:00Z');
  await medicineNeed('s1', g.h1, 'Sigmazol', 4, '2026-11-23T09:00:00Z');
  await medicineNeed('s2', g.h2, 'Sigmazol', 6, '2026-11-23T09:10:00Z');
  expect((await body<{ ordered: number }>(await world.request('POST', '/api/procurement/roll-up', { token: staff }))).ordered).toBe(5);
});

afterAll(async () => {
  await world?.close();
});

describe('cancelling a medicine need on a purchase order', () => {
  let firstOrder: string;
  const orderOn = async (day: string) => {
    const list = (await body<{ orders: Order[] }>(await world.request('GET', '/api/procurement/orders', { token: staff }))).orders;
    return readOrder(list.find((o) => o.orderDay === day)!.id);
  };

  it('an open order: the line shrinks by the need, a line left empty goes, and a receipt packs only the rest', async () => {
    let order = await orderOn('2026-11-23');
    firstOrder = order.id;
    expect(order.lines.map((l) => `${l.drug} ${l.quantity}`).sort()).toEqual(['Alphazol 30', 'Betazol 3']);

    expect((await cancel(needs.a1!)).status).toBe(200);
    expect((await cancel(needs.b1!)).status).toBe(200);
    order = await readOrder(order.id);
    expect(order.lines.map((l) => `${l.drug} ${l.quantity}`)).toEqual(['Alphazol 20']);
    expect(order.lines[0]!.needs.map((n) => n.needId)).toEqual([needs.a2]);

    expect((await world.request('POST', `/api/procurement/orders/${order.id}/send`, { token: staff })).status).toBe(204);
    const got = await body<{ status: string; bags: { needIds: string[] }[] }>(await receive(order.id, order.lines[0]!.id, 20));
    expect(got.status).toBe('received');
    expect(got.bags.flatMap((b) => b.needIds)).toEqual([needs.a2]);
    expect(await needStatus(needs.a1!)).toBe('cancelled');
  });

  it('a sent order: the line stays as ordered, the cancelled need is not packed, the order still completes', async () => {
    let order = await orderOn('2026-11-24');
    expect((await world.request('POST', `/api/procurement/orders/${order.id}/send`, { token: staff })).status).toBe(204);
    expect((await cancel(needs.s1!)).status).toBe(200);
    order = await readOrder(order.id);
    expect(order.lines.map((l) => `${l.drug} ${l.quantity}`)).toEqual(['Sigmazol 10']);
    expect(order.lines[0]!.needs.map((n) => n.needId)).toEqual([needs.s2]);

    // Only s2's 6 units are awaited: receiving them completes the order.
    const got = await body<{ status: string; bags: { needIds: string[] }[] }>(await receive(order.id, order.lines[0]!.id, 6));
    expect(got).toMatchObject({ status: 'received' });
    expect(got.bags.flatMap((b) => b.needIds)).toEqual([needs.s2]);
    const packed = await medicineBagsOf({ db: world.database.db }, [needs.s1!, needs.s2!]);
    expect([...packed.keys()]).toEqual([needs.s2]);
    expect(await ledgerMismatches(world.database.db)).toEqual([]);
  });

  it('a packed need: its share of the household bag is recorded as returned, once, and the order shows it', async () => {
    const before = (await readOrder(firstOrder)).bags;
    expect(before).toEqual([{ bagId: expect.stringMatching(/^MB-/), householdId: world.grid.h2, corridorId: world.grid.c1, needIds: [needs.a2], returnedNeedIds: [] }]);
    expect((await cancel(needs.a2!)).status).toBe(200);
    expect((await cancel(needs.a2!)).status).toBe(409); // already cancelled: nothing recorded twice
    const after = (await readOrder(firstOrder)).bags;
    expect(after).toEqual([{ ...before[0], returnedNeedIds: [needs.a2] }]);
    const rows = await world.database.db.withTables<{ medicine_bag_returns: { need_id: string; bag_id: string; reason: string; actor: string } }>()
      .selectFrom('medicine_bag_returns').select(['bag_id', 'reason']).where('need_id', '=', needs.a2!).execute();
    expect(rows).toEqual([{ bag_id: before[0]!.bagId, reason: 'need cancelled' }]);
    expect(await ledgerMismatches(world.database.db)).toEqual([]);
  });
});
