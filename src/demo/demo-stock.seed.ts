/**
 * The demo catalogue and depot stock: the items a need expands into (codes match `needProduct`:
 * food_package, boxed_meal, gas, rice, oil), the food package as a kit with variants by household
 * size, and stock received lot by lot through the ledger service (with expiry dates), plus minimum
 * levels. Perishables are kept tight, so the shortfall view and the minimum alerts have something to show.
 */
import { itemInputSchema, kitInputSchema } from '../domain/kit';
import { parseInput } from '../domain/stock';
import { receiveStock, setMinimum } from '../services/stock/stock.service';
import type { Clock } from '../shared/clock';
import { insertItem, replaceKit } from '../store/item.repository';
import type { Db } from '../store/db';

const ITEMS = [
  { code: 'rice', name: 'Rice (kg)', unit: 'kg', weightKg: 1, volumeL: 1.3 },
  { code: 'oil', name: 'Cooking oil (litre)', unit: 'litre', weightKg: 0.92, volumeL: 1 },
  { code: 'eggs-10', name: 'Eggs, tray of 10', unit: 'pack', weightKg: 0.65, volumeL: 1.6 },
  { code: 'noodles', name: 'Dried noodles, 500 g', unit: 'pack', weightKg: 0.5, volumeL: 1 },
  { code: 'vegetables', name: 'Mixed vegetables, 3 kg bag', unit: 'pack', weightKg: 3, volumeL: 6 },
  { code: 'canned-pork', name: 'Canned pork luncheon meat', unit: 'piece', weightKg: 0.34, volumeL: 0.3 },
  { code: 'canned-vegetables', name: 'Canned mixed vegetables, 800 g', unit: 'piece', weightKg: 0.8, volumeL: 0.9 },
  { code: 'boxed_meal', name: 'Meal box (one meal)', unit: 'box', weightKg: 0.6, volumeL: 1.2 },
  { code: 'gas', name: 'Gas refill (15 kg LPG cylinder, swapped)', unit: 'cylinder', weightKg: 30, volumeL: 40 },
] as const;

/**
 * One package per household, sized for it: rice, oil, eggs, noodles, vegetables, canned meat. Canned
 * vegetables stand in for fresh ones when those run short; eggs are left out rather than hold a package back.
 */
export const FOOD_PACKAGE = {
  name: 'Food package',
  variants: [
    { name: 'small', minMembers: 1, maxMembers: 2, lines: [{ code: 'rice', quantity: 5 }, { code: 'oil', quantity: 1 }, { code: 'eggs-10', quantity: 1, optional: true }, { code: 'noodles', quantity: 2 }, { code: 'vegetables', quantity: 1, substitutes: ['canned-vegetables'] }, { code: 'canned-pork', quantity: 2 }] },
    { name: 'family', minMembers: 3, maxMembers: 4, lines: [{ code: 'rice', quantity: 10 }, { code: 'oil', quantity: 2 }, { code: 'eggs-10', quantity: 2, optional: true }, { code: 'noodles', quantity: 4 }, { code: 'vegetables', quantity: 2, substitutes: ['canned-vegetables'] }, { code: 'canned-pork', quantity: 4 }] },
    { name: 'large', minMembers: 5, maxMembers: 30, lines: [{ code: 'rice', quantity: 15 }, { code: 'oil', quantity: 3 }, { code: 'eggs-10', quantity: 3, optional: true }, { code: 'noodles', quantity: 6 }, { code: 'vegetables', quantity: 3, substitutes: ['canned-vegetables'] }, { code: 'canned-pork', quantity: 6 }] },
  ],
};

/** Per depot: lots as [quantity, days until expiry or null], and the minimum level kept. */
const STOCK: Record<string, { lots: [number, number | null][]; minimum: number }[]> = {
  rice: [{ lots: [[1200, 300], [800, 420]], minimum: 400 }, { lots: [[1500, 330]], minimum: 400 }],
  oil: [{ lots: [[240, 180]], minimum: 60 }, { lots: [[150, 150], [100, 240]], minimum: 60 }],
  'eggs-10': [{ lots: [[30, 6], [40, 14]], minimum: 40 }, { lots: [[25, 9]], minimum: 40 }],
  noodles: [{ lots: [[300, 200]], minimum: 80 }, { lots: [[260, 210]], minimum: 80 }],
  // Fresh vegetables run short: about half of what the open food packages need.
  vegetables: [{ lots: [[6, 3], [5, 5]], minimum: 30 }, { lots: [[7, 4]], minimum: 30 }],
  'canned-pork': [{ lots: [[200, 700]], minimum: 50 }, { lots: [[180, 650]], minimum: 50 }],
  // Canned vegetables cover part of the fresh ones' gap: the rest of the food packages wait, saying why.
  'canned-vegetables': [{ lots: [[10, 540]], minimum: 20 }, { lots: [[8, 560]], minimum: 20 }],
  boxed_meal: [{ lots: [[150, 1], [200, 2]], minimum: 100 }, { lots: [[220, 1]], minimum: 100 }],
  gas: [{ lots: [[40, null]], minimum: 10 }, { lots: [[25, null]], minimum: 10 }],
};

const ACTOR = 'system:demo-seed';

/** Defines the catalogue and receives the stock, inside the caller's transaction (`trx`). */
export async function seedStock(deps: { db: Db; clock: Clock }, depotIds: readonly string[]): Promise<{ lots: number }> {
  const trx = deps.db;
  for (const item of ITEMS) await insertItem(trx, parseInput(itemInputSchema, item));
  const kit = parseInput(kitInputSchema, FOOD_PACKAGE);
  await replaceKit(trx, 'food_package', kit.name, kit.variants);
  const today = deps.clock.now().getTime();
  const day = (days: number): string => new Date(today + days * 86_400_000).toISOString().slice(0, 10);
  let lots = 0;
  for (const [itemCode, perDepot] of Object.entries(STOCK)) {
    for (const [i, depotId] of depotIds.entries()) {
      const stock = perDepot[i % perDepot.length]!;
      for (const [n, [quantity, expiresIn]] of stock.lots.entries()) {
        const receipt = { depotId, itemCode, quantity, reference: `DEMO-${itemCode}-${i + 1}-${n + 1}`, ...(expiresIn === null ? {} : { expiresOn: day(expiresIn) }) };
        await receiveStock(deps, receipt, ACTOR);
        lots++;
      }
      await setMinimum(deps, { depotId, itemCode, minimum: stock.minimum });
    }
  }
  return { lots };
}
