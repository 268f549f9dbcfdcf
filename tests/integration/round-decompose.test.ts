/** The stand-in decomposition (pure, no I/O): pie slices of large communities, a fair fleet share each. */
import { describe, expect, it } from 'vitest';
import { decompose, type NeedToSplit, type VehicleToSplit } from '../../src/services/round-decompose';

const centre = { lat: 31.2, lon: 121.4 };

function ring(community: string, corridors: number, perCorridor: number): { needs: NeedToSplit[]; points: Map<string, { lat: number; lon: number }> } {
  const needs: NeedToSplit[] = [];
  const points = new Map<string, { lat: number; lon: number }>();
  for (let c = 0; c < corridors; c++) {
    // Corridor ids in an order unrelated to their place on the ring.
    const id = `${community}-k${(c * 5) % corridors}`;
    const a = (2 * Math.PI * c) / corridors - Math.PI + 0.01;
    points.set(id, { lat: centre.lat + 0.01 * Math.sin(a), lon: centre.lon + 0.01 * Math.cos(a) });
    for (let h = 0; h < perCorridor; h++) needs.push({ id: `${id}-n${h}`, communityId: community, corridorId: id });
  }
  return { needs, points };
}

const fleet = (n: number, capBags: number | null = 20): VehicleToSplit[] => Array.from({ length: n }, (_, i) => ({ id: `v${String(i).padStart(2, '0')}`, ...centre, capBags }));

describe('decompose', () => {
  it('cuts a large community into contiguous slices of whole corridors', () => {
    const { needs, points } = ring('m1', 8, 10);
    const drafts = decompose(needs, new Map([['m1', centre]]), fleet(10), 40, 'sp', points);
    expect(drafts.map((d) => d.needIds.length)).toEqual([40, 40]);
    const angle = (id: string) => { const p = points.get(id)!; return Math.atan2(p.lat - centre.lat, p.lon - centre.lon); };
    const [first, second] = drafts.map((d) => d.needIds.map((n) => angle(n.split('-n')[0]!)));
    expect(Math.max(...first!)).toBeLessThan(Math.min(...second!)); // two half-rings, not interleaved
    const corridorsOf = (ids: string[]) => new Set(ids.map((n) => n.split('-n')[0]));
    expect([...corridorsOf(drafts[0]!.needIds)].some((c) => corridorsOf(drafts[1]!.needIds).has(c))).toBe(false);
  });

  it('gives each draft a share of the fleet by its size, never a vehicle twice, and no more than it can use', () => {
    const a = ring('m1', 4, 30).needs; // 120 needs
    const b = ring('m2', 2, 15).needs; // 30 needs
    const drafts = decompose([...a, ...b], new Map([['m1', centre], ['m2', centre]]), fleet(40));
    const used = drafts.flatMap((d) => d.vehicleIds);
    expect(new Set(used).size).toBe(used.length);
    const [big, small] = drafts as [typeof drafts[0], typeof drafts[0]];
    expect(big.vehicleIds.length).toBeGreaterThan(small.vehicleIds.length);
    // 120 needs x 2 bags x 1.3 slack / 20 bags = 16 (+1); the rest of the fleet stays free for other rounds.
    expect(big.vehicleIds.length).toBeLessThanOrEqual(17);
    expect(used.length).toBeLessThan(40);
  });

  it('with fewer vehicles than communities, the largest get one each first', () => {
    const needs = [...ring('m1', 2, 9).needs, ...ring('m2', 2, 5).needs, ...ring('m3', 2, 1).needs];
    const drafts = decompose(needs, new Map(), fleet(2));
    expect(drafts.map((d) => [d.communityId, d.vehicleIds.length])).toEqual([['m1', 1], ['m2', 1], ['m3', 0]]);
  });
});
