/**
 * A round's allocation as it crosses to the planning thread (workers/allocation-wire.ts): needs
 * sharing a kit send it once, outcomes likewise, and what arrives is what was sent.
 */
import { describe, expect, it } from 'vitest';
import { jsLpSolver } from '../../src/planning/lp/js-lp-solver.adapter';
import { allocateRound, type NeedComponent, type NeedToAllocate } from '../../src/planning/allocation/round-allocation';
import { packAllocation, packAllocationInput, unpackAllocation, unpackAllocationInput } from '../../workers/allocation-wire';

const small: NeedComponent[] = [{ item: 'rice', quantity: 5, substitutes: [], optional: false }, { item: 'vegetables', quantity: 1, substitutes: ['canned-vegetables'], optional: false }];
const family = (): NeedComponent[] => [{ item: 'rice', quantity: 10, substitutes: [], optional: false }, { item: 'eggs', quantity: 2, substitutes: [], optional: true }];

function needs(): NeedToAllocate[] {
  return Array.from({ length: 60 }, (_, i) => ({
    id: `need-${i}`, group: `community-${i % 4}`, priority: i % 9 === 0 ? 3 : 4,
    // A shared kit array, equal arrays built per need, and needs with no stock at all.
    components: i % 10 === 0 ? [] : i % 2 ? small : family(),
  }));
}

describe('allocation wire', () => {
  it('sends each kit once and unpacks the needs as they were', () => {
    const input = { needs: needs(), stock: { rice: 300, vegetables: 10, 'canned-vegetables': 5, eggs: 30 } };
    const packed = packAllocationInput(input);
    expect(packed.kits).toHaveLength(3);
    expect(structuredClone(unpackAllocationInput(structuredClone(packed)))).toEqual(input);
  });

  it('sends each outcome once and unpacks the allocation as it was', () => {
    const input = { needs: needs(), stock: { rice: 300, vegetables: 10, 'canned-vegetables': 5, eggs: 30 } };
    const allocation = allocateRound(input, { solver: jsLpSolver, timeLimitMs: 5000, now: () => performance.now() });
    // Short stock: served with and without substitutes, eggs left out, some unserved.
    expect(allocation.needs.some((a) => !a.served)).toBe(true);
    expect(allocation.needs.some((a) => a.served && a.lines.some((l) => l.for))).toBe(true);
    const ids = input.needs.map((n) => n.id);
    const packed = packAllocation({ allocation, solver: 'js' }, ids);
    expect(packed.outcomes.length).toBeLessThan(12);
    expect(unpackAllocation(structuredClone(packed), ids)).toEqual({ allocation, solver: 'js' });
  });

  it('refuses an allocation whose needs are not in the order sent', () => {
    const input = { needs: needs(), stock: { rice: 300 } };
    const allocation = allocateRound(input, { solver: jsLpSolver, timeLimitMs: 5000, now: () => performance.now() });
    expect(() => packAllocation({ allocation, solver: 'js' }, input.needs.map((n) => n.id).reverse())).toThrow(/out of order/);
  });
});
