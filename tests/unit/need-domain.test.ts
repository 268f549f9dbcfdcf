import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, NEED_STATUSES } from '../../src/domain/need-status';
import { openFoodCycles } from '../../src/domain/food-cycle';
import { needInputSchema, type NeedInput } from '../../src/domain/need';
import { mergeNeed, prepareNeed } from '../../src/domain/need-intake';
import { foodPackagesFor } from '../../src/domain/household';
import { AppError } from '../../src/shared/errors';

const household = { members: 5, elderlyAlone: true, cannotCook: false, chronicIllness: true };
const now = new Date('2026-11-23T10:00:00Z');
// 3-day cycles (the default): 2026-11-22/P3D holds `now`, 2026-11-25/P3D comes next.
const cycles = openFoodCycles(now, 3);
const prepare = (input: NeedInput) => prepareNeed(input, household, now, cycles);
const food = (details: Record<string, unknown>) => needInputSchema.parse({ kind: 'food_package', details });

function cycleError(input: NeedInput): { path: unknown; message: string } | undefined {
  try {
    prepare(input);
  } catch (e) {
    expect((e as AppError).code).toBe('validation');
    const first = (e as AppError).errors?.[0];
    return first && { path: first.path, message: first.message };
  }
  return undefined;
}

describe('need status machine', () => {
  it('allows the delivery path and refuses skipping or leaving a terminal status', () => {
    expect(canTransition('submitted', 'accepted')).toBe(true);
    expect(canTransition('accepted', 'planned')).toBe(true);
    expect(canTransition('planned', 'out_for_delivery')).toBe(true);
    expect(canTransition('out_for_delivery', 'delivered')).toBe(true);
    expect(canTransition('submitted', 'delivered')).toBe(false);
    expect(canTransition('out_for_delivery', 'cancelled')).toBe(false);
    for (const to of NEED_STATUSES) {
      expect(canTransition('delivered', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
    }
  });

  it('throws a typed error for an invalid move and requires a reason to fail', () => {
    expect(() => assertTransition({ from: 'delivered', to: 'accepted' })).toThrow(AppError);
    try {
      assertTransition({ from: 'delivered', to: 'accepted' });
    } catch (e) {
      expect((e as AppError).code).toBe('invalid_transition');
    }
    expect(() => assertTransition({ from: 'out_for_delivery', to: 'failed' })).toThrow(/reason/);
    expect(() => assertTransition({ from: 'out_for_delivery', to: 'failed', reason: 'nobody home' })).not.toThrow();
  });
});

describe('need intake', () => {
  // Issue #14 item 8: this test used to expect `packages: 2` for 5 people, and stock multiplied the
  // 5-person kit variant by it (the size counted twice). Size now picks the variant and the bags only.
  it('stores a food package without a count: household size sizes the bags, not the number of packages', () => {
    expect([1, 3, 4, 6, 7].map(foodPackagesFor)).toEqual([1, 1, 2, 2, 3]);
    expect(prepare(food({ cycle: '2026-11-22/P3D' })).details).not.toHaveProperty('packages');
  });

  it('names a food package by the current cycle when none is given, as the entitlement does', () => {
    const prepared = prepare(food({}));
    expect(cycles.current.id).toBe('2026-11-22/P3D');
    expect(prepared.cycle).toBe('2026-11-22/P3D');
    expect(prepared.identityKey).toBe('2026-11-22/P3D');
    expect(prepared.details).toEqual({ cycle: '2026-11-22/P3D' });
  });

  it('takes the current or the next cycle, and refuses any other naming what it expects', () => {
    expect(prepare(food({ cycle: '2026-11-25/P3D' })).identityKey).toBe('2026-11-25/P3D');
    const expected = { path: ['details', 'cycle'], message: 'expected the current cycle 2026-11-22/P3D or the next 2026-11-25/P3D' };
    // The week intake used to take, the previous cycle, one two ahead, a wrong length, junk.
    for (const cycle of ['2026-W48', '2026-11-19/P3D', '2026-11-28/P3D', '2026-11-22/P7D', '2026-11-23/P3D', 'next', '']) {
      expect(cycleError(food({ cycle })), cycle).toEqual(expected);
    }
    // With 7-day cycles the ids are ISO weeks.
    const weekly = openFoodCycles(now, 7);
    expect(prepareNeed(food({}), household, now, weekly).identityKey).toBe('2026-W48');
    expect(prepareNeed(food({ cycle: '2026-W49' }), household, now, weekly).identityKey).toBe('2026-W49');
    expect(() => prepareNeed(food({ cycle: '2026-W50' }), household, now, weekly)).toThrow(AppError);
  });

  it('treats the same drug and strength as one need whatever the spelling', () => {
    const a = needInputSchema.parse({ kind: 'medicine', details: { drug: 'Metformin ', strength: '500 mg', quantity: 30 } });
    const b = needInputSchema.parse({ kind: 'medicine', details: { drug: 'metformin', strength: '500  MG', quantity: 10 } });
    expect(prepare(a).identityKey).toBe(prepare(b).identityKey);
  });

  it('merges quantities (added on request, capped), urgency and notes of a duplicate', () => {
    const first = prepare(needInputSchema.parse({ kind: 'medicine', details: { drug: 'x', strength: '1', quantity: 900, notes: 'a' } }));
    const again = prepare(needInputSchema.parse({ kind: 'medicine', onDuplicate: 'add', details: { drug: 'x', strength: '1', quantity: 200, urgency: 'today', notes: 'b' } }));
    const merged = mergeNeed(first, again);
    expect(merged.details.quantity).toBe(1000);
    expect(merged.urgency).toBe('today');
    expect(merged.details.notes).toBe('a | b');
    expect(merged.priority).toBe(again.priority);
  });

  it('a repeated request for 10 tablets stays a need for 10: the larger quantity stands unless the repeat says add', () => {
    const ten = () => prepare(needInputSchema.parse({ kind: 'medicine', details: { drug: 'x', strength: '1', quantity: 10 } }));
    let need = ten();
    for (let i = 0; i < 100; i++) need = { ...need, ...mergeNeed(need, ten()) };
    expect(need.details.quantity).toBe(10);
    const more = prepare(needInputSchema.parse({ kind: 'medicine', details: { drug: 'x', strength: '1', quantity: 25 } }));
    expect(mergeNeed(need, more).details.quantity).toBe(25);
    const gas = (n: number, onDuplicate?: 'add') => prepare(needInputSchema.parse({ kind: 'gas', details: { cylinders: n }, ...(onDuplicate ? { onDuplicate } : {}) }));
    expect(mergeNeed(gas(3), gas(2)).details.cylinders).toBe(3);
    expect(mergeNeed(gas(3), gas(2, 'add')).details.cylinders).toBe(4);
  });

  it('merged notes cut in the middle of an emoji keep it whole (no lone surrogate)', () => {
    const note = (s: string) => prepare(needInputSchema.parse({ kind: 'gas', details: { cylinders: 1, notes: s } }));
    // 500 units, ' | ', then 496 units and an emoji: UTF-16 unit 1,000 falls inside the second emoji.
    const a = note(`${'a'.repeat(498)}😀`);
    const b = note(`${'b'.repeat(496)}😀`);
    const merged = mergeNeed(a, b).details.notes as string;
    expect(merged.isWellFormed()).toBe(true);
    expect(merged.endsWith('😀')).toBe(true);
  });

  it('refuses a medical pass appointment in the past, naming the field', () => {
    const input = needInputSchema.parse({
      kind: 'medical_pass',
      details: { reason: 'dialysis', hospital: 'City Hospital', appointmentAt: '2026-11-22T09:00:00Z' },
    });
    try {
      prepare(input);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).errors?.[0]?.path).toEqual(['details', 'appointmentAt']);
    }
  });

  it('refuses unknown detail fields and malformed dates', () => {
    expect(needInputSchema.safeParse({ kind: 'gas', details: { cylinders: 1, colour: 'red' } }).success).toBe(false);
    expect(needInputSchema.safeParse({ kind: 'boxed_meal', details: { date: '2026-13-40', meals: 2 } }).success).toBe(false);
  });
});
