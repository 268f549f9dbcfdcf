/** A round cut by the engine's decomposition (pure, no I/O): fleet sized to the round, slices of whole corridors, stable ids. */
import { describe, expect, it } from 'vitest';
import { decomposeRound, fleetForRound } from '../../src/planning/adapters/round-decompose';
import type { NeedForPlan, VehicleForPlan } from '../../src/planning/adapters/round-problem';

type Need = NeedForPlan & { communityId: string };
const centre = { lat: 31.2, lon: 121.4 };

/** A community of `corridors` corridor gates on a ring, `perCorridor` one-package needs each. */
function ring(community: string, corridors: number, perCorridor: number, at = centre): Need[] {
  const needs: Need[] = [];
  for (let c = 0; c < corridors; c++) {
    // Corridor ids in an order unrelated to their place on the ring.
    const corridorId = `${community}-k${String((c * 5) % corridors).padStart(3, '0')}`;
    const a = (2 * Math.PI * c) / corridors;
    const lat = at.lat + 0.01 * Math.sin(a);
    const lon = at.lon + 0.01 * Math.cos(a);
    for (let h = 0; h < perCorridor; h++) {
      needs.push({ id: `${corridorId}-n${h}`, kind: 'food_package', urgency: 'routine', corridorId, communityId: community, members: 3, quantity: 1, lat, lon });
    }
  }
  return needs;
}

const fleet = (n: number, bags = 20, extra: Partial<VehicleForPlan> = {}): VehicleForPlan[] => Array.from({ length: n }, (_, i) => ({
  id: `v${String(i).padStart(2, '0')}`, depotId: 'd1', depotLat: centre.lat + 0.02, depotLon: centre.lon, capacity: { bags }, skills: [], ...extra,
}));

describe('decomposeRound', () => {
  it('cuts a large community into slices of whole corridors, every need in exactly one sub-problem', () => {
    const needs = ring('m1', 12, 3);
    const drafts = decomposeRound(needs, fleet(20), { maxStops: 4 });
    expect(drafts.map((d) => d.id)).toEqual(['sp1', 'sp2', 'sp3']);
    expect(drafts.every((d) => d.communityId === 'm1')).toBe(true);
    const all = drafts.flatMap((d) => d.needIds);
    expect(all.sort()).toEqual(needs.map((n) => n.id).sort());
    const corridorsOf = (ids: string[]) => new Set(ids.map((n) => n.split('-n')[0]));
    for (const [i, a] of drafts.entries()) {
      expect(corridorsOf(a.needIds).size).toBe(4);
      for (const b of drafts.slice(i + 1)) expect([...corridorsOf(a.needIds)].some((c) => corridorsOf(b.needIds).has(c))).toBe(false);
    }
  });

  it('is deterministic, names sub-problems by generation, and never gives a vehicle twice', () => {
    const needs = [...ring('m1', 6, 10), ...ring('m2', 3, 4, { lat: 31.23, lon: 121.43 })];
    const a = decomposeRound(needs, fleet(30), { idPrefix: 'g2sp' });
    expect(decomposeRound([...needs].reverse(), [...fleet(30)].reverse(), { idPrefix: 'g2sp' })).toEqual(a);
    expect(a.map((d) => [d.id, d.communityId])).toEqual([['g2sp1', 'm1'], ['g2sp2', 'm2']]);
    const used = a.flatMap((d) => d.vehicleIds);
    expect(new Set(used).size).toBe(used.length);
    // The bigger community gets the bigger share.
    expect(a[0]!.vehicleIds.length).toBeGreaterThan(a[1]!.vehicleIds.length);
  });
});

describe('fleetForRound', () => {
  it('takes what the demand needs with slack plus a spare per sub-problem, and leaves the rest free', () => {
    const needs = [...ring('m1', 4, 30), ...ring('m2', 2, 15)]; // 150 bags
    const taken = fleetForRound(needs, fleet(40));
    // 150 bags x 1.3 slack / 20 bags = 10 vehicles, + 1 spare per community.
    expect(taken).toHaveLength(12);
    expect(taken.map((v) => v.id)).toEqual([...taken.map((v) => v.id)].sort());
  });

  it('counts every trip of a multi-trip van', () => {
    const needs = ring('m1', 4, 30); // 120 bags
    expect(fleetForRound(needs, fleet(40))).toHaveLength(9); // ceil(156 / 20) + 1
    expect(fleetForRound(needs, fleet(40, 20, { maxTrips: 3 }))).toHaveLength(4); // ceil(156 / 60) + 1
  });

  it('brings a vehicle with the skill a stop asks for, and nothing for an empty round', () => {
    const needs = ring('m1', 2, 2).map((n, i) => ({ ...n, protective: i === 0 }));
    const vans = [...fleet(5), { ...fleet(1)[0]!, id: 'v99', skills: ['protective'], depotLat: centre.lat + 0.5 }];
    expect(fleetForRound(needs, vans).map((v) => v.id)).toContain('v99');
    expect(fleetForRound([], vans)).toEqual([]);
  });
});
