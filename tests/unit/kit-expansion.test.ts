import { describe, expect, it } from 'vitest';
import { expandKit, findKitCycle, kitInputSchema, type Catalogue, type CatalogueEntry } from '../../src/domain/kit';
import { needProduct, takeFefo } from '../../src/domain/stock';
import { AppError } from '../../src/shared/errors';

const item: CatalogueEntry = { kind: 'item' };
const all = (lines: { code: string; quantity: number }[]) => [{ name: 'std', minMembers: 1, maxMembers: 30, lines }];

const catalogue: Catalogue = new Map<string, CatalogueEntry>([
  ['rice-5kg', item], ['oil-1l', item], ['eggs-10', item], ['veg-box', item], ['cylinder', item],
  ['veg-pack', { kind: 'kit', variants: all([{ code: 'veg-box', quantity: 1 }, { code: 'eggs-10', quantity: 1 }]) }],
  ['food_package', { kind: 'kit', variants: [
    { name: 'small', minMembers: 1, maxMembers: 2, lines: [{ code: 'rice-5kg', quantity: 1 }, { code: 'oil-1l', quantity: 1 }, { code: 'veg-pack', quantity: 1 }] },
    { name: 'large', minMembers: 3, maxMembers: 30, lines: [{ code: 'rice-5kg', quantity: 2 }, { code: 'oil-1l', quantity: 2 }, { code: 'veg-pack', quantity: 2 }] },
  ] }],
]);

describe('kit expansion', () => {
  it('opens nested kits and picks the variant by household size', () => {
    expect(Object.fromEntries(expandKit(catalogue, 'food_package', 3, 2))).toEqual({ 'rice-5kg': 3, 'oil-1l': 3, 'veg-box': 3, 'eggs-10': 3 });
    expect(Object.fromEntries(expandKit(catalogue, 'food_package', 1, 5))).toEqual({ 'rice-5kg': 2, 'oil-1l': 2, 'veg-box': 2, 'eggs-10': 2 });
    expect(Object.fromEntries(expandKit(catalogue, 'cylinder', 2, 4))).toEqual({ cylinder: 2 });
  });

  it('refuses unknown codes and cycles with a clear error', () => {
    expect(() => expandKit(catalogue, 'caviar', 1, 1)).toThrow(/^unknown item or kit$/);
    const looped = new Map(catalogue);
    looped.set('veg-pack', { kind: 'kit', variants: all([{ code: 'food_package', quantity: 1 }]) });
    expect(findKitCycle(looped)).toEqual(['food_package', 'veg-pack', 'food_package']);
    const err = (() => { try { expandKit(looped, 'food_package', 1, 1); } catch (e) { return e; } return null; })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toBe('kit cycle: food_package > veg-pack > food_package');
    expect(findKitCycle(catalogue)).toBeNull();
    const self = new Map(catalogue);
    self.set('oil-1l', { kind: 'kit', variants: all([{ code: 'oil-1l', quantity: 1 }]) });
    expect(findKitCycle(self)).toEqual(['oil-1l', 'oil-1l']);
  });

  it('a kit definition must cover household sizes 1-30 exactly once and list each component once', () => {
    expect(kitInputSchema.safeParse({ name: 'K', variants: all([{ code: 'oil-1l', quantity: 1 }]) }).success).toBe(true);
    const gap = kitInputSchema.safeParse({ name: 'K', variants: [{ name: 'a', minMembers: 1, maxMembers: 3, lines: [{ code: 'oil-1l', quantity: 1 }] }] });
    expect(gap.success).toBe(false);
    const overlap = kitInputSchema.safeParse({ name: 'K', variants: [
      { name: 'a', minMembers: 1, maxMembers: 3, lines: [{ code: 'oil-1l', quantity: 1 }] },
      { name: 'b', minMembers: 3, maxMembers: 30, lines: [{ code: 'oil-1l', quantity: 1 }] },
    ] });
    expect(overlap.success).toBe(false);
    expect(kitInputSchema.safeParse({ name: 'K', variants: all([{ code: 'oil-1l', quantity: 1 }, { code: 'oil-1l', quantity: 2 }]) }).success).toBe(false);
    expect(kitInputSchema.safeParse({ name: 'K', variants: all([{ code: 'oil-1l', quantity: -1 }]) }).success).toBe(false);
  });

  it('maps stock need kinds to products; medicine is not depot stock', () => {
    // One food package per need, whatever a stored need from before issue #14 (item 8) says: its kit
    // variant already scales by household size, the old `packages` count multiplied it a second time.
    expect(needProduct('food_package', { cycle: '2026-W48' })).toEqual({ code: 'food_package', quantity: 1 });
    expect(needProduct('food_package', { cycle: '2026-W48', packages: 2 })).toEqual({ code: 'food_package', quantity: 1 });
    expect(needProduct('gas', { cylinders: 1 })).toEqual({ code: 'gas', quantity: 1 });
    expect(needProduct('medicine', { drug: 'x', strength: 'y', quantity: 3 })).toBeNull();
  });

  it('takes lots in order and refuses when lots hold less than asked', () => {
    expect(takeFefo([{ lotId: 'a', quantity: 5 }, { lotId: 'b', quantity: 10 }], 8)).toEqual([{ lotId: 'a', quantity: 5 }, { lotId: 'b', quantity: 3 }]);
    expect(() => takeFefo([{ lotId: 'a', quantity: 5 }], 8)).toThrow(/less than the balance/);
  });
});
