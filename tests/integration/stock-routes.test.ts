/**
 * The stock routes through the real app and PostgreSQL: role checks, problem+json errors for bad
 * input (unknown item, negative quantity, kit cycle) that change nothing, kit expansion, balances,
 * alerts, shortfall, and the ledger and delivery records as CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { startWorld, type World } from './auth.fixture';

let world: World;
let dispatcher: string;
let staff: string;
let depotId: string;

const counts = async () => {
  const r = await sql<{ ledger: string; kits: string; lines: string }>`
    select (select count(*) from stock_ledger) as ledger, (select count(*) from items where kind = 'kit') as kits, (select count(*) from kit_lines) as lines`.execute(world.database.db);
  return r.rows[0];
};

beforeAll(async () => {
  world = await startWorld('stockroutes');
  dispatcher = await world.login('dispatcher');
  staff = await world.login('community_staff');
  depotId = (await world.database.db.selectFrom('depots').select('id').executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await world?.close();
});

const post = (path: string, body: unknown, token = dispatcher) => world.request('POST', path, { token, body });
const put = (path: string, body: unknown, token = dispatcher) => world.request('PUT', path, { token, body });

describe('stock routes', () => {
  it('defines items and nested kits, expands them, and refuses cycles and unknown parts without writing', async () => {
    for (const code of ['rice-5kg', 'oil-1l', 'eggs-10']) expect((await post('/api/stock/items', { code, name: code, unit: 'pack', weightKg: 1, volumeL: 1 })).status).toBe(201);
    expect((await put('/api/stock/kits/protein', { name: 'Protein', variants: [{ name: 'std', lines: [{ code: 'eggs-10', quantity: 1 }] }] })).status).toBe(200);
    expect((await put('/api/stock/kits/food_package', { name: 'Food package', variants: [
      { name: 'small', maxMembers: 2, lines: [{ code: 'rice-5kg', quantity: 1 }, { code: 'protein', quantity: 1 }] },
      { name: 'large', minMembers: 3, lines: [{ code: 'rice-5kg', quantity: 2 }, { code: 'oil-1l', quantity: 1 }, { code: 'protein', quantity: 2 }] },
    ] })).status).toBe(200);
    const expansion = await world.request('GET', '/api/stock/kits/food_package/expansion?quantity=3&members=4', { token: staff });
    expect(await expansion.json()).toMatchObject({ items: [{ code: 'eggs-10', quantity: 6 }, { code: 'oil-1l', quantity: 3 }, { code: 'rice-5kg', quantity: 6 }] });

    const before = await counts();
    const cycle = await put('/api/stock/kits/protein', { name: 'Protein', variants: [{ name: 'std', lines: [{ code: 'food_package', quantity: 1 }] }] });
    expect(cycle.status).toBe(422);
    expect(cycle.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await cycle.json()) as { detail: string }).detail).toBe('kit cycle: food_package > protein > food_package');
    const unknown = await put('/api/stock/kits/box', { name: 'Box', variants: [{ name: 'std', lines: [{ code: 'caviar', quantity: 1 }] }] });
    expect(unknown.status).toBe(422);
    const unknownKit = (await unknown.json()) as { detail: string; errors: { path: (string | number)[] }[] };
    // The field is named; the submitted code is never echoed.
    expect(unknownKit.errors.map((e) => e.path.join('.'))).toEqual(['variants.0.lines.0.code']);
    expect(JSON.stringify(unknownKit)).not.toContain('caviar');
    expect((await put('/api/stock/kits/rice-5kg', { name: 'x', variants: [{ name: 'std', lines: [{ code: 'oil-1l', quantity: 1 }] }] })).status).toBe(409);
    expect(await counts()).toEqual(before);
    expect((await put('/api/stock/kits/box', { name: 'Box', variants: [{ name: 'std', lines: [{ code: 'oil-1l', quantity: 1 }] }] }, staff)).status).toBe(403);
  });

  it('moves stock with clear errors for bad input and role checks on every route', async () => {
    expect((await post('/api/stock/receipts', { depotId, itemCode: 'rice-5kg', quantity: 40, expiresOn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10) })).status).toBe(201);
    const before = await counts();
    const negative = await post('/api/stock/receipts', { depotId, itemCode: 'rice-5kg', quantity: -4 });
    expect(negative.status).toBe(422);
    expect(((await negative.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['quantity']);
    const unknown = await post('/api/stock/receipts', { depotId, itemCode: 'caviar', quantity: 4 });
    expect(unknown.status).toBe(422);
    const unknownItem = (await unknown.json()) as { detail: string; code: string };
    expect(unknownItem.detail).toBe('unknown item');
    // `code` is the problem's own code: a detail can no longer replace it with the item's code.
    expect(unknownItem.code).toBe('validation');
    expect(JSON.stringify(unknownItem)).not.toContain('caviar');
    expect((await post('/api/stock/receipts', { depotId, itemCode: 'food_package', quantity: 4 })).status).toBe(422); // a kit is not counted
    expect((await post('/api/stock/receipts', { depotId, itemCode: 'rice-5kg', quantity: 4, colour: 'red' })).status).toBe(422);
    expect((await post('/api/stock/adjustments', { depotId, itemCode: 'rice-5kg', delta: -500, reason: 'count' })).status).toBe(409);
    expect(await counts()).toEqual(before);
    for (const role of ['driver', 'resident', 'coordinator'] as const) {
      const token = await world.login(role);
      expect((await world.request('GET', '/api/stock/balances', { token })).status).toBe(403);
      expect((await post('/api/stock/receipts', { depotId, itemCode: 'rice-5kg', quantity: 1 }, token)).status).toBe(403);
    }
    expect((await world.request('GET', '/api/stock/balances')).status).toBe(401);
    expect((await put('/api/stock/minimums', { depotId, itemCode: 'rice-5kg', minimum: 50 }, staff)).status).toBe(204);
    const balances = await (await world.request('GET', `/api/stock/balances?depotId=${depotId}`, { token: staff })).json();
    expect(balances).toMatchObject({ balances: [{ itemCode: 'rice-5kg', onHand: 40, reserved: 0, available: 40, minimum: 50 }] });
    const alerts = (await (await world.request('GET', '/api/stock/alerts?withinDays=30', { token: staff })).json()) as { alerts: { kind: string }[] };
    expect(alerts.alerts.map((a) => a.kind).sort()).toEqual(['below_minimum', 'expiring']);
  });

  it('shows the shortfall for the next round of an area', async () => {
    const res = await world.request('GET', `/api/stock/shortfall?areaId=${world.grid.district}`, { token: dispatcher });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ shortfall: { needs: 0, lines: [] } });
    expect((await world.request('GET', '/api/stock/shortfall', { token: dispatcher })).status).toBe(422);
  });

  it('exports the ledger and delivery records as CSV', async () => {
    await post('/api/stock/adjustments', { depotId, itemCode: 'rice-5kg', delta: -2, reason: '=HYPERLINK("x"), torn "bags"' });
    const res = await world.request('GET', `/api/stock/ledger.csv?depotId=${depotId}`, { token: staff });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('stock-ledger.csv');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.movement, r.on_hand_delta])).toEqual([['receipt', '40'], ['adjustment', '-2']]);
    expect(rows[1]?.reason).toBe(`'=HYPERLINK("x"), torn "bags"`); // quoted per RFC 4180, formula defused
    const deliveries = await world.request('GET', '/api/stock/deliveries.csv', { token: dispatcher });
    expect((await deliveries.text()).split('\r\n')[0]).toBe('at,need_id,household_id,corridor_id,community_id,kind,status,bag_id,failure_reason,actor');
  });
});
