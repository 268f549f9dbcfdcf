/**
 * Entitlement sizes, once (issue #14, item 8): household size scales a household's food exactly
 * once. One food package per household per cycle; its contents are the kit variant for the
 * household's size; the crew carries it in foodPackagesFor(members) bags. Before, intake stored
 * `packages: foodPackagesFor(members)` and stock multiplied the size-picked variant by it: a
 * 5-person household got 2 x 15 kg of rice from the demo kit.
 */
import { describe, expect, it } from 'vitest';
import { FOOD_PACKAGE } from '../../src/demo/demo-stock.seed';
import { openFoodCycles } from '../../src/domain/food-cycle';
import { expandKit, kitInputSchema, type Catalogue, type CatalogueEntry } from '../../src/domain/kit';
import { needInputSchema } from '../../src/domain/need';
import { prepareNeed } from '../../src/domain/need-intake';
import { needKindSpec } from '../../src/domain/need-kinds';
import { needProduct } from '../../src/domain/stock';

const kit = kitInputSchema.parse(FOOD_PACKAGE);
const catalogue: Catalogue = new Map<string, CatalogueEntry>([
  ...kit.variants.flatMap((v) => v.lines.map((l) => [l.code, { kind: 'item' }] as [string, CatalogueEntry])),
  ['food_package', { kind: 'kit', variants: kit.variants }],
]);
const now = new Date('2026-11-23T10:00:00Z');
const cycles = openFoodCycles(now, 3);
const flags = { elderlyAlone: false, cannotCook: false, chronicIllness: false };

/** What stock takes for a household of `members` that submits a food package: intake, then expansion. */
function itemsFor(members: number): Record<string, number> {
  const prepared = prepareNeed(needInputSchema.parse({ kind: 'food_package', details: {} }), { members, ...flags }, now, cycles);
  const product = needProduct(prepared.kind, prepared.details)!;
  return Object.fromEntries(expandKit(catalogue, product.code, product.quantity, members));
}

const variant = (name: string): Record<string, number> =>
  Object.fromEntries(kit.variants.find((v) => v.name === name)!.lines.map((l) => [l.code, l.quantity]));

describe('a food package is sized once, by its kit variant', () => {
  it("a 5-person household's package is the demo kit's 'large' variant, once: 15 kg of rice, not 30", () => {
    expect(itemsFor(5)).toEqual(variant('large'));
    expect(itemsFor(5).rice).toBe(15);
  });

  it("a 2-person household's package is the 'small' variant, once", () => {
    expect(itemsFor(2)).toEqual(variant('small'));
    expect(itemsFor(2).rice).toBe(5);
  });

  it('a need stored before the rule, still carrying a packages count, expands to one package too', () => {
    const product = needProduct('food_package', { cycle: cycles.current.id, packages: 2 })!;
    expect(Object.fromEntries(expandKit(catalogue, product.code, product.quantity, 5))).toEqual(variant('large'));
  });

  it('household size gives the bags the crew carries: 2 for 5 people, 1 for 2, 10 for 30', () => {
    const load = needKindSpec('food_package').load;
    expect(load(null, 5)).toMatchObject({ bags: 2, kg: 16 });
    expect(load(null, 2)).toMatchObject({ bags: 1, kg: 8 });
    expect(load(null, 30).bags).toBe(10);
    // Units are never counted for a food package (the round inputs read none), whatever is passed.
    expect(load(2, 2)).toEqual(load(null, 2));
  });
});
