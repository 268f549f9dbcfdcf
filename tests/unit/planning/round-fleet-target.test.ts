/** A round's share of the free fleet (issue #21): slack only when everyone's demand is covered with slack. */
import { describe, expect, it } from 'vitest';
import { fleetTarget, SLACK } from '../../../src/planning/adapters/round-fleet-target';
import { fleetForRound } from '../../../src/planning/adapters/round-decompose';
import type { NeedForPlan, VehicleForPlan } from '../../../src/planning/adapters/round-problem';

describe('fleetTarget', () => {
  it('takes the demand with slack when the free fleet covers every waiting demand with slack', () => {
    expect(fleetTarget([55, 0], [110, 0], [220, Infinity])).toEqual({ mode: 'slack', target: [55 * SLACK, 0] });
  });

  it('takes a share proportional to the demand when the free fleet is short of it, never more than with slack', () => {
    const { mode, target } = fleetTarget([55, 0], [110, 0], [200, Infinity]);
    expect(mode).toBe('share');
    expect(target[0]).toBeCloseTo(200 / 3);
    expect(target[1]).toBe(0);
    // A small round beside a large wait: its share (150 x 10 / 110) exceeds its demand with slack, so slack caps it.
    expect(fleetTarget([10], [100], [150]).target[0]).toBeCloseTo(10 * SLACK);
  });

  it('counts only the dimensions the round asks for, and a dimension no vehicle limits as covered', () => {
    expect(fleetTarget([10, 0], [0, 500], [20, 100]).mode).toBe('slack');
    expect(fleetTarget([10, 30], [40, 30], [60, Infinity])).toEqual({ mode: 'share', target: [12, 30 * SLACK] });
  });
});

describe('fleetForRound, rounds prepared one after another', () => {
  /** `bags` one-bag needs of a community at `lat`. */
  const community = (id: string, bags: number, lat: number): (NeedForPlan & { communityId: string })[] => Array.from({ length: bags }, (_, i) => ({
    id: `${id}-n${String(i).padStart(3, '0')}`, kind: 'food_package', urgency: 'routine', corridorId: `${id}-k${i % 4}`, communityId: id, members: 1, quantity: null, lat, lon: 121.4,
  }));
  const vans = (n: number): VehicleForPlan[] => Array.from({ length: n }, (_, i) => ({
    id: `v${String(i).padStart(2, '0')}`, depotId: 'd1', depotLat: 31.2, depotLon: 121.4, capacity: { bags: 20 }, skills: [],
  }));
  /** Vans per round when the three communities' rounds are prepared in order, each from what is left. */
  function prepareInOrder(fleet: number): number[] {
    const rounds = [community('c1', 55, 31.21), community('c2', 55, 31.22), community('c3', 55, 31.23)];
    let free = vans(fleet);
    return rounds.map((needs, i) => {
      const taken = fleetForRound(needs, free, undefined, rounds.slice(i + 1).flat());
      free = free.filter((v) => !taken.includes(v));
      return taken.length;
    });
  }

  it('leaves no community without a van when the fleet is short of demand with slack', () => {
    expect(prepareInOrder(8)).toEqual([3, 3, 2]); // 160 bags for 165: 53 each, rounded up to whole vans
    expect(prepareInOrder(10)).toEqual([4, 3, 3]); // 200 bags for 165 x 1.3
    expect(prepareInOrder(12)).toEqual([5, 4, 3]); // 240 >= 214.5: the first takes slack and a spare, the rest share
    expect(prepareInOrder(16)).toEqual([5, 5, 5]); // plenty: slack and a spare each, as before
  });

  it('without waiting demand a round still takes its demand with slack and a spare', () => {
    expect(fleetForRound(community('c1', 55, 31.21), vans(10))).toHaveLength(5);
  });
});
