/** Food entitlement cycles are a pure function of the date: same instant, same cycle, on any machine. */
import { describe, expect, it } from 'vitest';
import { entitlementTables, foodCycleAt, isoWeekOf } from '../../src/domain/food-cycle';
import { priorityOf } from '../../src/domain/need-intake';

const DAY = 24 * 3600_000;

describe('food cycles', () => {
  it('cuts time into consecutive cycles of N whole UTC days, each instant in exactly one', () => {
    for (const days of [1, 2, 3, 5, 7, 10]) {
      let at = new Date('2026-11-20T00:00:00Z');
      let previous = foodCycleAt(at, days);
      for (let h = 0; h < 24 * 30; h += 5) {
        at = new Date(Date.parse('2026-11-20T00:00:00Z') + h * 3600_000);
        const c = foodCycleAt(at, days);
        expect(c.start.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(c.end.getTime()).toBeGreaterThan(at.getTime());
        expect(c.end.getTime() - c.start.getTime()).toBe(days * DAY);
        expect(c.start.getUTCHours()).toBe(0);
        if (c.id !== previous.id) expect(c.start.getTime()).toBe(previous.end.getTime());
        else expect(c).toEqual(previous);
        previous = c;
      }
    }
  });

  it('names a 3-day cycle by its start and length, the same at its first and last instant', () => {
    const c = foodCycleAt(new Date('2026-11-23T15:30:00Z'), 3);
    expect(c.id).toMatch(/^\d{4}-\d{2}-\d{2}\/P3D$/);
    expect(foodCycleAt(c.start, 3).id).toBe(c.id);
    expect(foodCycleAt(new Date(c.end.getTime() - 1), 3).id).toBe(c.id);
    expect(foodCycleAt(c.end, 3).id).not.toBe(c.id);
    expect(c.id).toBe(`${c.start.toISOString().slice(0, 10)}/P3D`);
  });

  it('makes a 7-day cycle the ISO week that intake accepts, Monday to Sunday', () => {
    const c = foodCycleAt(new Date('2026-11-25T12:00:00Z'), 7);
    expect(c.id).toBe('2026-W48');
    expect(c.start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(c.start.getUTCDay()).toBe(1);
    expect(foodCycleAt(new Date('2026-11-29T23:59:59Z'), 7).id).toBe('2026-W48');
    expect(foodCycleAt(new Date('2026-11-30T00:00:00Z'), 7).id).toBe('2026-W49');
    // Around new year the ISO year can differ from the calendar year.
    expect(isoWeekOf(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(foodCycleAt(new Date('2027-01-01T00:00:00Z'), 7).id).toBe('2026-W53');
  });

  it('refuses a length outside 1-28 days', () => {
    expect(() => foodCycleAt(new Date(), 0)).toThrow(RangeError);
    expect(() => foodCycleAt(new Date(), 29)).toThrow(RangeError);
    expect(() => foodCycleAt(new Date(), 2.5)).toThrow(RangeError);
  });

  // No packages-by-size table any more (issue #14 item 8): an entitlement is one package whatever the size.
  it('tabulates exactly the intake priority for every household size and flag set', () => {
    const { priorityByHousehold } = entitlementTables();
    for (let members = 1; members <= 30; members++) {
      for (let bits = 0; bits < 8; bits++) {
        const h = { members, elderlyAlone: (bits & 1) !== 0, cannotCook: (bits & 2) !== 0, chronicIllness: (bits & 4) !== 0 };
        expect(priorityByHousehold[(members - 1) * 8 + bits]).toBe(priorityOf('food_package', 'routine', h));
      }
    }
  });
});
