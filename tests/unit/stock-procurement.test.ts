import { describe, expect, it } from 'vitest';
import { coverNeeds, cutoffInstant, drugKeyOf, orderDayOf, parseCutoff } from '../../src/domain/procurement';
import { minimumLevel } from '../../src/domain/stock';

describe('procurement cut-off', () => {
  it('parses HH:MM with an offset', () => {
    expect(parseCutoff('16:00+08:00')).toEqual({ minutes: 960, offsetMinutes: 480 });
    expect(parseCutoff('09:30-05:00')).toEqual({ minutes: 570, offsetMinutes: -300 });
    expect(parseCutoff('00:00Z')).toEqual({ minutes: 0, offsetMinutes: 0 });
    expect(() => parseCutoff('25:00Z')).toThrow();
    expect(() => parseCutoff('16:00')).toThrow();
  });

  it('puts a need on the local day before the cut-off and on the next day from it', () => {
    const c = parseCutoff('16:00+08:00'); // 08:00Z
    expect(orderDayOf(new Date('2026-11-23T07:59:59Z'), c)).toBe('2026-11-23');
    expect(orderDayOf(new Date('2026-11-23T08:00:00Z'), c)).toBe('2026-11-24');
    // 23:30Z on the 22nd is already 07:30 on the 23rd locally: the 23rd's order.
    expect(orderDayOf(new Date('2026-11-22T23:30:00Z'), c)).toBe('2026-11-23');
    // Month and year ends roll over.
    expect(orderDayOf(new Date('2026-12-31T12:00:00Z'), c)).toBe('2027-01-01');
    expect(cutoffInstant('2026-11-23', c).toISOString()).toBe('2026-11-23T08:00:00.000Z');
  });

  it('normalises drug names into one line per drug and strength', () => {
    expect(drugKeyOf(' Paracetamol ', '500  MG')).toBe(drugKeyOf('paracetamol', '500 mg'));
    expect(drugKeyOf('Paracetamol', '500 mg')).not.toBe(drugKeyOf('Paracetamol', '1 g'));
  });

  it('covers whole needs only, most urgent then oldest first', () => {
    const needs = [
      { needId: 'a', quantity: 10, urgencyRank: 2, createdAt: 1 },
      { needId: 'b', quantity: 20, urgencyRank: 0, createdAt: 5 },
      { needId: 'c', quantity: 5, urgencyRank: 2, createdAt: 3 },
    ];
    expect(coverNeeds(needs, 25)).toEqual(['b', 'c']); // b first (emergency), then a does not fit in 5, c does
    expect(coverNeeds(needs, 35)).toEqual(['b', 'a', 'c']);
    expect(coverNeeds(needs, 4)).toEqual([]);
  });

  it('classifies minimum levels', () => {
    expect(minimumLevel(0, 10)).toBe('out');
    expect(minimumLevel(5, 10)).toBe('low');
    expect(minimumLevel(10, 10)).toBeNull();
    expect(minimumLevel(0, 0)).toBeNull();
  });
});
