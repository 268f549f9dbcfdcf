/**
 * Catalogue use cases: define items, define (or redefine) kits, expand kits and needs into items.
 * A kit is checked against the whole catalogue in the transaction that writes it (under a lock),
 * so an unknown component or a cycle is refused and nothing is written.
 */
import { expandKit, findKitCycle, itemInputSchema, kitCycleError, kitInputSchema, unknownItem, type CatalogueEntry } from '../../domain/kit';
import { needProduct, parseInput } from '../../domain/stock';
import { AppError, notFound } from '../../shared/errors';

import { getKit, insertItem, itemKind, listItems, loadCatalogue, lockCatalogue, replaceKit, type ItemView, type KitView } from '../../store/item.repository';
import type { Db } from '../../store/db';

export interface KitDeps {
  db: Db;
}

export async function defineItem(deps: KitDeps, input: unknown): Promise<ItemView> {
  const item = parseInput(itemInputSchema, input);
  if (!(await insertItem(deps.db, item))) throw new AppError('conflict', 'this code is already in the catalogue', { errors: [{ path: ['code'], message: 'already in the catalogue' }] });
  return { code: item.code, kind: 'item', name: item.name, unit: item.unit, weightKg: item.weightKg, volumeL: item.volumeL };
}

export async function defineKit(deps: KitDeps, code: string, input: unknown): Promise<KitView> {
  const kit = parseInput(kitInputSchema, input);
  await deps.db.transaction().execute(async (trx) => {
    await lockCatalogue(trx);
    if ((await itemKind(trx, code)) === 'item') throw new AppError('conflict', 'this code is an item, not a kit');
    const catalogue = await loadCatalogue(trx);
    kit.variants.forEach((v, i) => v.lines.forEach((l, j) => {
      if (!catalogue.has(l.code) && l.code !== code) throw unknownItem(['variants', i, 'lines', j, 'code']);
      // A substitute stands in unit for unit at a depot: an item, never a kit.
      l.substitutes.forEach((sub, k) => {
        if (catalogue.get(sub)?.kind !== 'item') throw new AppError('validation', 'a substitute must be an item of the catalogue', { errors: [{ path: ['variants', i, 'lines', j, 'substitutes', k], message: 'not an item of the catalogue' }] });
      });
    }));
    const next = new Map<string, CatalogueEntry>(catalogue);
    next.set(code, { kind: 'kit', variants: kit.variants });
    const cycle = findKitCycle(next);
    if (cycle) throw kitCycleError(cycle);
    await replaceKit(trx, code, kit.name, kit.variants);
  });
  return (await getKit(deps.db, code))!;
}

export const listCatalogue = (deps: KitDeps): Promise<ItemView[]> => listItems(deps.db);

export async function readKit(deps: KitDeps, code: string): Promise<KitView> {
  const kit = await getKit(deps.db, code);
  if (!kit) throw notFound('kit');
  return kit;
}

export async function expand(deps: KitDeps, code: string, quantity: number, members: number): Promise<{ code: string; quantity: number }[]> {
  const catalogue = await loadCatalogue(deps.db);
  return sortLines(expandKit(catalogue, code, quantity, members));
}

export interface NeedToExpand {
  id: string;
  kind: string;
  details: Record<string, unknown>;
  members: number;
}

/**
 * Items per need (stock kinds only; medicine and passes give nothing). A product missing from the
 * catalogue is reported per need rather than thrown, so one unknown kit does not hide the rest.
 */
export function expandNeeds(catalogue: ReadonlyMap<string, CatalogueEntry>, needs: readonly NeedToExpand[]): { items: Map<string, Map<string, number>>; missing: { needId: string; code: string }[] } {
  const items = new Map<string, Map<string, number>>();
  const missing: { needId: string; code: string }[] = [];
  for (const n of needs) {
    const product = needProduct(n.kind, n.details);
    if (!product) continue;
    if (!catalogue.has(product.code)) {
      missing.push({ needId: n.id, code: product.code });
      continue;
    }
    items.set(n.id, expandKit(catalogue, product.code, product.quantity, n.members));
  }
  return { items, missing };
}

export const sortLines = (m: ReadonlyMap<string, number>): { code: string; quantity: number }[] =>
  [...m].map(([code, quantity]) => ({ code, quantity })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
