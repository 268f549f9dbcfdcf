/**
 * Coalesced look-ups (src/services/shared/coalesced-loader.ts): one query for the keys asked together,
 * run at the priority of the most urgent of its callers, never below `shared`; each caller's wait
 * timed as its own phase.
 */
import { describe, expect, it } from 'vitest';
import { createCoalescedLoader } from '../../src/services/shared/coalesced-loader';
import { currentPriority, withPriority, type Priority } from '../../src/shared/priority';
import { withPhases, type Phases } from '../../src/shared/timings';

function recordingLoader(phase?: string) {
  const queries: { keys: number[]; priority: Priority }[] = [];
  const loader = createCoalescedLoader(async (keys: number[]) => {
    queries.push({ keys, priority: currentPriority() });
    return new Map(keys.map((k) => [k, k * 10]));
  }, phase ? { phase } : {});
  return { loader, queries };
}

describe('coalesced loader', () => {
  it('answers keys asked in one turn with one query, each caller its own value', async () => {
    const { loader, queries } = recordingLoader();
    expect(await Promise.all([loader.load(1), loader.load(2), loader.load(1)])).toEqual([10, 20, 10]);
    expect(queries.map((q) => q.keys)).toEqual([[1, 2]]);
  });

  it('runs a query for normal callers at shared priority, and at urgent when one of its callers is urgent', async () => {
    const { loader, queries } = recordingLoader();
    await Promise.all([loader.load(1), loader.load(2)]);
    await Promise.all([loader.load(3), withPriority('urgent', () => loader.load(4))]);
    await withPriority('urgent', () => Promise.all([loader.load(5), withPriority('normal', () => loader.load(6))]));
    expect(queries.map((q) => q.priority)).toEqual(['shared', 'urgent', 'urgent']);
  });

  it("adds each caller's wait to its own request's phase", async () => {
    const { loader } = recordingLoader('lookup');
    const a: Phases = {};
    const b: Phases = {};
    await Promise.all([withPhases(a, () => loader.load(1)), withPhases(b, () => loader.load(2))]);
    expect(a.lookup).toBeGreaterThanOrEqual(0);
    expect(b.lookup).toBeGreaterThanOrEqual(0);
    // Without a phase nothing is recorded.
    const c: Phases = {};
    await withPhases(c, () => recordingLoader().loader.load(3));
    expect(c).toEqual({});
  });
});
