/** How far a waste trip's weight at the disposal site is from its pickups (issue #18, item 2). */
import { describe, expect, it } from 'vitest';
import { discrepancyOf } from '../../src/services/waste/waste-custody.service';

describe('discrepancyOf', () => {
  it('is the share of the picked-up kg the unload differs by, lighter or heavier', () => {
    expect(discrepancyOf(200, 140)).toBeCloseTo(0.3, 9);
    expect(discrepancyOf(200, 260)).toBeCloseTo(0.3, 9);
    expect(discrepancyOf(200, 200)).toBe(0);
  });
  it('is null when something was unloaded with nothing recorded picked up, and 0 when nothing moved', () => {
    expect(discrepancyOf(0, 12)).toBeNull();
    expect(discrepancyOf(0, 0)).toBe(0);
  });
});
