/**
 * The stock ledger on the real PostgreSQL: receipts, transfers, adjustments, reservations, releases and
 * deductions keep balances equal to the ledger's sums; concurrent rounds never overdraw nor lose a
 * reservation; expiry and minimum alerts follow a controllable clock; bad input changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import type { Database } from '../../src/store/db';
import { defineItem } from '../../src/services/stock/kit.service';
import { adjustStock, receiveStock, setMinimum, transferStock, writeOffExpired } from '../../src/services/stock/stock.service';
import { deductForStops, releaseForStop, reserveLines } from '../../src/services/stock/stock-round.service';
import { stockAlerts } from '../../src/services/stock/stock-alerts.service';
import { ledgerMismatches, listBalances } from '../../src/store/stock-read.repository';

import type { LiveEvent } from '../../src/contracts/events';
import { openTestDatabase } from './round.fixtures';

let database: Database;
let depotA: string;
let depotB: string;
const clock = new ManualClock('2026-11-23T08:00:00Z');
const published: LiveEvent[] = [];
const deps = () => ({ db: database.db, clock, publisher: { publish: async (_s: unknown, e: LiveEvent) => { published.push(e); return []; } } });

const balance = async (depotId: string, itemCode: string) => (await listBalances(database.db, { depotId, itemCode }))[0];
const ledgerCount = async () => Number((await sql<{ n: string }>`select count(*) as n from stock_ledger`.execute(database.db)).rows[0]?.n);
const uuid = () => crypto.randomUUID();

async function expectError(p: Promise<unknown>, code: AppError['code'], message: RegExp): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).message).toMatch(message);
  return err as AppError;
}

beforeAll(async () => {
  database = await openTestDatabase('stock_ledger');
  const depot = async (name: string) => (await database.db.insertInto('depots').values({ name, lat: 31.2, lon: 121.4 }).returning('id').executeTakeFirstOrThrow()).id;
  depotA = await depot('A');
  depotB = await depot('B');
  for (const code of ['rice-5kg', 'oil-1l', 'eggs-10']) await defineItem(deps(), { code, name: code, unit: 'pack', weightKg: 1, volumeL: 1 });
});

afterAll(async () => {
  await sql.raw(`drop schema if exists ${database.schema} cascade`).execute(database.db);
  await database.close();
});

describe('stock ledger', () => {
  it('receipts, transfers and adjustments move balances only through ledger rows', async () => {
    await receiveStock(deps(), { depotId: depotA, itemCode: 'rice-5kg', quantity: 100, expiresOn: '2027-03-01' }, 'clerk');
    await receiveStock(deps(), { depotId: depotA, itemCode: 'rice-5kg', quantity: 50, expiresOn: '2026-12-01' }, 'clerk');
    await transferStock(deps(), { fromDepotId: depotA, toDepotId: depotB, itemCode: 'rice-5kg', quantity: 70 }, 'clerk');
    await adjustStock(deps(), { depotId: depotB, itemCode: 'rice-5kg', delta: -5, reason: 'torn bags' }, 'clerk');
    expect(await balance(depotA, 'rice-5kg')).toMatchObject({ onHand: 80, reserved: 0, available: 80 });
    expect(await balance(depotB, 'rice-5kg')).toMatchObject({ onHand: 65 });
    // First to expire goes first: the December lot moved in full, plus 20 of the March lot, each keeping its date.
    const lots = await sql<{ expires_on: string; q: string }>`
      select to_char(l.expires_on, 'YYYY-MM-DD') as expires_on, sum(g.on_hand_delta) as q from stock_ledger g join stock_lots l on l.id = g.lot_id
      where g.depot_id = ${depotB} group by l.expires_on order by 1`.execute(database.db);
    expect(lots.rows.map((r) => [r.expires_on, Number(r.q)])).toEqual([['2026-12-01', 45], ['2027-03-01', 20]]);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('refuses to edit or delete ledger rows at the database', async () => {
    await expect(sql`update stock_ledger set on_hand_delta = 1000`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from stock_ledger`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('bad input gets a clear error and writes nothing', async () => {
    const before = await ledgerCount();
    await expectError(receiveStock(deps(), { depotId: depotA, itemCode: 'caviar', quantity: 5 }, 'clerk'), 'validation', /^unknown item$/);
    await expectError(receiveStock(deps(), { depotId: depotA, itemCode: 'rice-5kg', quantity: -5 }, 'clerk'), 'validation', /quantity/);
    await expectError(receiveStock(deps(), { depotId: uuid(), itemCode: 'rice-5kg', quantity: 5 }, 'clerk'), 'not_found', /depot/);
    await expectError(transferStock(deps(), { fromDepotId: depotA, toDepotId: depotB, itemCode: 'rice-5kg', quantity: 10_000 }, 'clerk'), 'conflict', /not enough stock/);
    await expectError(adjustStock(deps(), { depotId: depotA, itemCode: 'rice-5kg', delta: -1 }, 'clerk'), 'validation', /reason/);
    await expectError(reserveLines(deps(), uuid(), [{ depotId: depotA, itemCode: 'rice-5kg', quantity: 0 }], 'planner'), 'validation', /quantity/);
    expect(await ledgerCount()).toBe(before);
  });

  it('20 concurrent rounds against limited stock: never overdrawn, no reservation lost', async () => {
    await receiveStock(deps(), { depotId: depotA, itemCode: 'oil-1l', quantity: 97 }, 'clerk');
    await receiveStock(deps(), { depotId: depotA, itemCode: 'eggs-10', quantity: 500 }, 'clerk');
    // Each round wants 10 oil and 10 eggs (two lines, so row locks are taken on two balances in a fixed order).
    const rounds = Array.from({ length: 20 }, () => uuid());
    const outcomes = await Promise.allSettled(rounds.map((r, i) => reserveLines(deps(), r, [
      { depotId: depotA, itemCode: i % 2 ? 'oil-1l' : 'eggs-10', quantity: 10, stopId: '1' },
      { depotId: depotA, itemCode: i % 2 ? 'eggs-10' : 'oil-1l', quantity: 10, stopId: '1' },
    ], 'planner')));
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(ok).toBe(9); // 97 oil: nine rounds of 10 fit, the rest are refused whole
    expect(refused.every((o) => o.reason instanceof AppError && o.reason.code === 'conflict')).toBe(true);
    expect(await balance(depotA, 'oil-1l')).toMatchObject({ onHand: 97, reserved: 90, available: 7 });
    expect(await balance(depotA, 'eggs-10')).toMatchObject({ reserved: 90 });
    expect(await ledgerMismatches(database.db)).toEqual([]);

    // Release one stop and deduct another round's loaded batch: both balance, and repeating changes nothing.
    const winners = rounds.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    await releaseForStop(deps(), winners[0]!, '1', 'dispatcher');
    await releaseForStop(deps(), winners[0]!, '1', 'dispatcher');
    await deductForStops(deps(), winners[1]!, ['1'], 'loader');
    await deductForStops(deps(), winners[1]!, ['1'], 'loader');
    expect(await balance(depotA, 'oil-1l')).toMatchObject({ onHand: 87, reserved: 70, available: 17 });
    // A round that already holds its stop's reservation is not reserved twice.
    const again = await reserveLines(deps(), winners[2]!, [{ depotId: depotA, itemCode: 'oil-1l', quantity: 10, stopId: '1' }], 'planner');
    expect(again.reserved).toEqual([]);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });

  it('alerts: below minimum (published live) and lots expiring within N days, by the clock', async () => {
    published.length = 0;
    await setMinimum(deps(), { depotId: depotA, itemCode: 'oil-1l', minimum: 20 });
    expect(published).toContainEqual({ type: 'stock.alert', depotId: depotA, itemCode: 'oil-1l', available: 17, threshold: 20, level: 'low' });
    clock.set('2026-11-23T08:00:00Z');
    let alerts = await stockAlerts(deps(), { withinDays: 7 });
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'below_minimum', depotId: depotA, itemCode: 'oil-1l', level: 'low' }));
    expect(alerts.filter((a) => a.kind !== 'below_minimum')).toEqual([]);
    clock.set('2026-11-26T08:00:00Z'); // the December rice lot at B is now 5 days away
    alerts = await stockAlerts(deps(), { withinDays: 7 });
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'expiring', depotId: depotB, itemCode: 'rice-5kg', expiresOn: '2026-12-01', quantity: 45, daysLeft: 5 }));
    clock.set('2026-12-02T08:00:00Z');
    alerts = await stockAlerts(deps(), { withinDays: 0 });
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'expired', depotId: depotB, quantity: 45, daysLeft: -1 }));
    const off = await writeOffExpired(deps(), 'clerk');
    expect(off.written).toEqual([expect.objectContaining({ depotId: depotB, itemCode: 'rice-5kg', quantity: 45 })]);
    expect(await balance(depotB, 'rice-5kg')).toMatchObject({ onHand: 20 });
    expect((await stockAlerts(deps(), { withinDays: 0 })).filter((a) => a.kind === 'expired')).toEqual([]);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });
});
