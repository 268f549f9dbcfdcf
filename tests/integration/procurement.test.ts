/**
 * Medicine procurement through the real app and PostgreSQL: medicine needs roll up into purchase
 * orders per supplier, community and order day (daily cut-off); receipts pack whole needs into
 * per-household bags that make them deliverable; an unbuyable drug fails the need with a reason;
 * drug names are shown only to procurement roles, and each read is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { medicineBagsOf } from '../../src/services/procurement/procurement.service';
import { ManualClock } from '../../src/shared/clock';
import { startWorld, type World } from './auth.fixture';

let world: World;
let staff: string;
let admin: string;
const needs: Record<string, string> = {};

async function medicineNeed(name: string, household: string, corridor: string, community: string, drug: string, strength: string, quantity: number, at: string) {
  const row = await world.database.db.insertInto('needs').values({
    household_id: household, corridor_id: corridor, community_id: community, kind: 'medicine', identity_key: `${drug}|${strength}`.toLowerCase(),
    details: JSON.stringify({ drug, strength, quantity, urgency: 'routine' }), status: 'accepted', failure_reason: null, cycle: null, created_by: 'test', created_at: at,
  }).returning('id').executeTakeFirstOrThrow();
  needs[name] = row.id;
}

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
type Order = { id: string; communityId: string; orderDay: string; supplierName: string; status: string; lines: { id: string; drug: string; quantity: number; quantityReceived: number; corridorIds: string[]; needs: { needId: string }[] }[]; bags: { bagId: string; householdId: string; needIds: string[] }[] };

beforeAll(async () => {
  world = await startWorld('procure', { clock: new ManualClock('2026-11-23T10:00:00Z'), env: { PROCUREMENT_CUTOFF: '16:00+08:00' } });
  const g = world.grid;
  // Cut-off 16:00 local = 08:00Z: before it, that day's order; after it, the next day's.
  await medicineNeed('n1', g.h1, g.c1, g.m1, 'Paracetamol', '500 mg', 10, '2026-11-23T07:00:00Z');
  await medicineNeed('n2', g.h2, g.c1, g.m1, 'paracetamol ', '500  MG', 20, '2026-11-23T07:30:00Z');
  await medicineNeed('n3', g.h3, g.c2, g.m1, 'Insulin glargine', '100 U/ml', 1, '2026-11-23T09:00:00Z');
  await medicineNeed('n4', g.h4, g.c3, g.m2, 'Paracetamol', '500 mg', 5, '2026-11-23T07:00:00Z');
  await medicineNeed('n5', g.h1, g.c1, g.m1, 'Rarezol', '5 mg', 2, '2026-11-23T07:10:00Z');
  staff = await world.login('community_staff');
  admin = await world.login('admin');
  expect((await world.request('POST', '/api/procurement/suppliers', { token: admin, body: { name: 'Pharmacy A', kind: 'pharmacy', drugs: [{ drug: 'PARACETAMOL', strength: '500 mg' }] } })).status).toBe(201);
  expect((await world.request('POST', '/api/procurement/suppliers', { token: admin, body: { name: 'Wholesaler B', kind: 'supplier', isDefault: true } })).status).toBe(201);
});

afterAll(async () => {
  await world?.close();
});

describe('medicine procurement', () => {
  let orders: { id: string; supplierName: string; orderDay: string; communityId: string; closesAt: string }[];
  const orderOf = (supplier: string, day: string) => orders.find((o) => o.supplierName === supplier && o.orderDay === day)!;

  it('rolls medicine needs up per supplier, community and order day, with the daily cut-off', async () => {
    const rolled = await json(await world.request('POST', '/api/procurement/roll-up', { token: staff }));
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ ordered: 4, unassigned: 0 }); // n4 is in m2: not this staff member's
    const list = await world.request('GET', '/api/procurement/orders', { token: staff });
    const text = await list.text();
    expect(text.toLowerCase()).not.toContain('paracetamol'); // the list carries ids and counts only
    orders = (JSON.parse(text) as { orders: typeof orders }).orders;
    expect(orders.map((o) => `${o.supplierName} ${o.orderDay}`).sort()).toEqual(['Pharmacy A 2026-11-23', 'Wholesaler B 2026-11-23', 'Wholesaler B 2026-11-24']);
    expect(orderOf('Pharmacy A', '2026-11-23')).toMatchObject({ closesAt: '2026-11-23T08:00:00.000Z', lineCount: 1, needCount: 2, pendingNeeds: 2 });

    const a = await json(await world.request('GET', `/api/procurement/orders/${orderOf('Pharmacy A', '2026-11-23').id}`, { token: staff }));
    const order = a.body.order as unknown as Order;
    expect(order.lines).toHaveLength(1); // "Paracetamol 500 mg" and "paracetamol  500  MG" are one line
    expect(order.lines[0]).toMatchObject({ drug: 'Paracetamol', quantity: 30, corridorIds: [world.grid.c1] });
    expect(order.lines[0]!.needs.map((n) => n.needId).sort()).toEqual([needs.n1, needs.n2].sort());
    const audit = await world.database.db.withTables<{ audit_log: { action: string; subject_id: string | null; actor_id: string | null } }>()
      .selectFrom('audit_log').select(['action', 'subject_id', 'actor_id']).where('action', '=', 'procurement.order.medical.read').execute();
    expect(audit).toContainEqual({ action: 'procurement.order.medical.read', subject_id: order.id, actor_id: world.users.community_staff.id });
  });

  it('keeps drug names from other roles and other communities', async () => {
    for (const role of ['dispatcher', 'driver', 'coordinator', 'resident'] as const) {
      expect((await world.request('GET', '/api/procurement/orders', { token: await world.login(role) })).status).toBe(403);
    }
    const rolled = await json(await world.request('POST', '/api/procurement/roll-up', { token: admin }));
    expect(rolled.body).toMatchObject({ ordered: 1 });
    const m2 = ((await json(await world.request('GET', '/api/procurement/orders', { token: admin }))).body.orders as unknown as Order[]).find((o) => o.communityId === world.grid.m2)!;
    expect((await world.request('GET', `/api/procurement/orders/${m2.id}`, { token: staff })).status).toBe(403);
  });

  it('a sent order takes no more needs: a late need goes to the next day', async () => {
    expect((await world.request('POST', `/api/procurement/orders/${orderOf('Pharmacy A', '2026-11-23').id}/send`, { token: staff })).status).toBe(204);
    await medicineNeed('n6', world.grid.h3, world.grid.c2, world.grid.m1, 'Paracetamol', '500 mg', 4, '2026-11-23T07:45:00Z');
    expect((await json(await world.request('POST', '/api/procurement/roll-up', { token: staff }))).body).toMatchObject({ ordered: 1 });
    const list = (await json(await world.request('GET', '/api/procurement/orders', { token: staff }))).body.orders as unknown as Order[];
    expect(list.find((o) => o.supplierName === 'Pharmacy A' && o.orderDay === '2026-11-24')).toBeDefined();
  });

  it('receiving packs whole needs into household bags and makes them deliverable; bad input changes nothing', async () => {
    const id = orderOf('Pharmacy A', '2026-11-23').id;
    const order = (await json(await world.request('GET', `/api/procurement/orders/${id}`, { token: staff }))).body.order as unknown as Order;
    const lineId = order.lines[0]!.id;
    expect((await world.request('POST', `/api/procurement/orders/${id}/receipts`, { token: staff, body: { received: [{ lineId, quantity: -3 }] } })).status).toBe(422);
    expect((await world.request('POST', `/api/procurement/orders/${id}/receipts`, { token: staff, body: { received: [{ lineId: crypto.randomUUID(), quantity: 3 }] } })).status).toBe(422);

    // 25 of 30: n1 (10) is covered in full, n2 (20) waits for the rest.
    const first = await json(await world.request('POST', `/api/procurement/orders/${id}/receipts`, { token: staff, body: { received: [{ lineId, quantity: 25 }] } }));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'partly_received', failed: [] });
    const bags = first.body.bags as unknown as Order['bags'];
    expect(bags).toEqual([{ bagId: expect.stringMatching(/^MB-[A-Z0-9]{10}$/), householdId: world.grid.h1, corridorId: world.grid.c1, needIds: [needs.n1] }]);
    let packed = await medicineBagsOf({ db: world.database.db }, [needs.n1!, needs.n2!]);
    expect([...packed.keys()]).toEqual([needs.n1]);

    const second = await json(await world.request('POST', `/api/procurement/orders/${id}/receipts`, { token: staff, body: { received: [{ lineId, quantity: 5 }] } }));
    expect(second.body).toMatchObject({ status: 'received' });
    packed = await medicineBagsOf({ db: world.database.db }, [needs.n1!, needs.n2!]);
    expect(packed.size).toBe(2);
    expect(packed.get(needs.n1!)).not.toBe(packed.get(needs.n2!)); // a bag per household
    expect((await world.request('POST', `/api/procurement/orders/${id}/receipts`, { token: staff, body: { received: [{ lineId, quantity: 1 }] } })).status).toBe(409);
  });

  it('a drug that cannot be bought fails the household need with the reason', async () => {
    const id = orderOf('Wholesaler B', '2026-11-23').id;
    const order = (await json(await world.request('GET', `/api/procurement/orders/${id}`, { token: staff }))).body.order as unknown as Order;
    const res = await json(await world.request('POST', `/api/procurement/orders/${id}/receipts`, { token: staff, body: { unavailable: [{ lineId: order.lines[0]!.id, reason: 'out_of_stock' }] } }));
    expect(res.body).toMatchObject({ status: 'received', failed: [needs.n5] });
    const need = await world.database.db.selectFrom('needs').select(['status', 'failure_reason']).where('id', '=', needs.n5!).executeTakeFirstOrThrow();
    expect(need).toEqual({ status: 'failed', failure_reason: 'medicine could not be bought: no supplier has it in stock' });
    const history = await world.database.db.selectFrom('need_status_history').select(['from_status', 'to_status']).where('need_id', '=', needs.n5!).execute();
    expect(history).toContainEqual({ from_status: 'accepted', to_status: 'failed' });
  });

  it('exports purchase orders as CSV (audited)', async () => {
    const res = await world.request('GET', '/api/procurement/orders.csv?status=open,sent,partly_received,received', { token: staff });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    const para = rows.find((r) => r.drug === 'Paracetamol' && r.order_day === '2026-11-23')!;
    expect(para).toMatchObject({ quantity: '30', quantity_received: '30', packed: '2', unavailable: '0', corridor_ids: world.grid.c1 });
    expect(rows.some((r) => r.community_id === world.grid.m2)).toBe(false);
  });
  it('concurrent roll-ups put every need on exactly one order line', async () => {
    const g = world.grid;
    const households = [g.h1, g.h2, g.h3];
    for (let i = 0; i < 30; i++) await medicineNeed(`bulk${i}`, households[i % 3]!, g.c1, g.m1, `Drug ${i % 7}`, `${i} mg`, 1 + (i % 4), '2026-11-23T06:00:00Z');
    const tokens = [staff, admin, staff, admin, staff];
    const results = await Promise.all(tokens.map(async (token) => (await json(await world.request('POST', '/api/procurement/roll-up', { token }))).body as { ordered: number }));
    expect(results.reduce((t, r) => t + r.ordered, 0)).toBe(30);
    const check = await sql<{ bad: string; linked: string }>`
      select (select count(*) from purchase_order_lines l where l.quantity <> (select sum(p.quantity) from purchase_order_needs p where p.line_id = l.id)) as bad,
             (select count(*) from purchase_order_needs p join needs n on n.id = p.need_id where n.created_by = 'test' and n.created_at = '2026-11-23T06:00:00Z') as linked`.execute(world.database.db);
    expect(check.rows[0]).toEqual({ bad: '0', linked: '30' });
  });
});
