import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupNeedsFromHouseholds, shareUnits, shareWithinGroups, type AllocationHousehold } from '../../../src/planning/allocation/households.share';

describe('shareUnits', () => {
  it('gives whole units, never above need, all of the amount (or all needs), evenly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 30 }), fc.integer({ min: 0, max: 200 }), (needs, amount) => {
        const got = shareUnits(needs, amount);
        const total = needs.reduce((s, n) => s + n, 0);
        expect(got.reduce((s, n) => s + n, 0)).toBe(Math.min(amount, total));
        got.forEach((g, j) => {
          expect(Number.isInteger(g) && g >= 0 && g <= (needs[j] ?? 0)).toBe(true);
        });
        // Even: a household short of its need never has 2+ units less than another one got.
        const maxGiven = Math.max(0, ...got);
        got.forEach((g, j) => {
          if (g < (needs[j] ?? 0)) expect(g).toBeGreaterThanOrEqual(maxGiven - 1);
        });
        // The remainder goes in order: an earlier household short of need never has less than a later one.
        for (let j = 1; j < got.length; j++) {
          if ((got[j - 1] ?? 0) < (needs[j - 1] ?? 0) && (got[j] ?? 0) > (got[j - 1] ?? 0)) expect.fail(`household ${j} before ${j - 1}`);
        }
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});

describe('shareWithinGroups', () => {
  const households: AllocationHousehold[] = [
    { id: 'h3', groupId: 'north', needs: [{ itemId: 'food', priority: 2, quantity: 2 }] },
    { id: 'h1', groupId: 'north', needs: [{ itemId: 'food', priority: 2, quantity: 2 }] },
    { id: 'h2', groupId: 'north', needs: [{ itemId: 'food', priority: 2, quantity: 2 }], chronicIllness: true },
    { id: 'h4', groupId: 'north', needs: [{ itemId: 'food', priority: 2, quantity: 1 }], elderlyAlone: true },
    { id: 'h5', groupId: 'south', needs: [{ itemId: 'food', priority: 2, quantity: 3 }] },
  ];

  it('sums household needs per group', () => {
    expect(groupNeedsFromHouseholds(households).get('north')).toEqual({ households: 4, needs: [{ itemId: 'food', priority: 2, quantity: 7 }] });
  });

  it('serves elderly-alone, then chronic illness, then id order, one unit per round', () => {
    const out = shareWithinGroups([{ groupId: 'north', itemId: 'food', priority: 2, needed: 7, allocated: 5 }], households);
    expect(out.map((o) => [o.householdId, o.allocated])).toEqual([
      ['h4', 1],
      ['h2', 2],
      ['h1', 1],
      ['h3', 1],
    ]);
  });
});
