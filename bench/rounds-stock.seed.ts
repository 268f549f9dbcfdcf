/**
 * Stock for the rounds bench: the demo's food package (src/demo/demo-stock.seed.ts: canned vegetables
 * may stand in for fresh ones, eggs are optional) and, per district, every component received at its
 * depot in full but one, `short` (a required component without substitute), received `shortPct` % short.
 * So the allocation before routing has real work: about that share of the packages waits, naming it.
 */
import { sql } from 'kysely';
import { FOOD_PACKAGE } from '../src/demo/demo-stock.seed';
import { expandComponents } from '../src/domain/kit';
import { defineItem, defineKit } from '../src/services/stock/kit.service';
import { receiveStock } from '../src/services/stock/stock.service';
import { systemClock } from '../src/shared/clock';
import type { Db } from '../src/store/db';
import { loadCatalogue } from '../src/store/item.repository';

const ITEMS = ['rice', 'oil', 'eggs-10', 'noodles', 'vegetables', 'canned-pork', 'canned-vegetables'];

export async function defineFoodPackage(db: Db): Promise<void> {
  for (const code of ITEMS) await defineItem({ db }, { code, name: code, unit: 'piece', weightKg: 1, volumeL: 1 });
  await defineKit({ db }, 'food_package', FOOD_PACKAGE);
}

/** Receives the district's food package stock at its depot; returns the units asked per item. */
export async function stockDistrict(db: Db, d: { communityIds: string[]; depotId: string }, short: string, shortPct: number): Promise<Map<string, number>> {
  const sizes = await sql<{ members: number; n: string }>`select h.members, count(*) as n from needs n join households h on h.id = n.household_id
    where n.kind = 'food_package' and n.status = 'accepted' and n.community_id in (${sql.join(d.communityIds)}) group by h.members`.execute(db);
  const catalogue = await loadCatalogue(db);
  const asked = new Map<string, number>();
  for (const s of sizes.rows) {
    for (const c of expandComponents(catalogue, 'food_package', 1, s.members)) asked.set(c.code, (asked.get(c.code) ?? 0) + c.quantity * Number(s.n));
  }
  for (const [itemCode, q] of asked) {
    const quantity = itemCode === short ? Math.floor(q * (1 - shortPct / 100)) : q;
    if (quantity > 0) await receiveStock({ db, clock: systemClock }, { depotId: d.depotId, itemCode, quantity, reference: 'bench' }, 'bench');
  }
  return asked;
}
