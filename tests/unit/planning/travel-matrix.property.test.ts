import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMatrices, haversineMetres } from '../../../src/planning/model/travel.matrix';

describe('buildMatrices (each pair computed once, mirrored)', () => {
  it('gives every entry, both directions, exactly as the formula does for that ordered pair', () => {
    const lat = fc.double({ min: 49, max: 52, noNaN: true });
    const lon = fc.double({ min: 2, max: 6, noNaN: true });
    const xy = fc.integer({ min: 0, max: 1000 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ lat, lon, x: xy, y: xy }), { minLength: 1, maxLength: 25 }), fc.boolean(),
        (points, round) => {
          // rows out of order and repeated: a sub-problem picks its own locations
          const locations = points.map((_, i) => (i * 7) % points.length);
          const geo = buildMatrices({ kind: 'geo', points, roadFactor: 1.35, speed: 9 }, locations);
          const euclid = buildMatrices({ kind: 'euclid', points, round, speed: 2 }, locations);
          const n = locations.length;
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
            const [a, b] = [points[locations[i]!]!, points[locations[j]!]!];
            const d = i === j ? 0 : haversineMetres(a, b) * 1.35;
            expect(geo.dist[i * n + j]).toBe(d);
            expect(geo.time[i * n + j]).toBe(d / 9);
            const e = Math.hypot(a.x - b.x, a.y - b.y);
            expect(euclid.dist[i * n + j]).toBe(round ? Math.round(e) : e);
            expect(euclid.time[i * n + j]).toBe((round ? Math.round(e) : e) / 2);
          }
        },
      ),
      { numRuns: 200, seed: 34 },
    );
  });
});
