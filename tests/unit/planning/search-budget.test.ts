/** A sub-problem's search budget grows with its stops, between a floor and the round's budget (issue #21). */
import { describe, expect, it } from 'vitest';
import { SEARCH_MIN_MS, SEARCH_MS_PER_STOP, searchBudgetMs } from '../../../src/planning/adapters/round-problem';

describe('searchBudgetMs', () => {
  it('gives a community of 40 gates under a second of a 10 s budget', () => {
    expect(searchBudgetMs(40, 10_000)).toBe(40 * SEARCH_MS_PER_STOP);
    expect(searchBudgetMs(40, 10_000)).toBeLessThan(1000);
  });

  it('never less than the floor, never more than the round allows', () => {
    expect(searchBudgetMs(1, 10_000)).toBe(SEARCH_MIN_MS);
    expect(searchBudgetMs(5000, 10_000)).toBe(10_000);
    // A round budget below the floor is the round's choice: it holds.
    expect(searchBudgetMs(1, 200)).toBe(200);
  });
});
