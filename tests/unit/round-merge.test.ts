/**
 * The merge's trust rule: a border-repaired plan is stored only if it validates; otherwise the plain
 * merge if that validates; otherwise nothing. The engine's repair is forced to fail here (it has no
 * known way to), to show the fallback is taken and said.
 */
import { describe, expect, it, vi } from 'vitest';
import { buildProblem, toPlanPieces, type NeedForPlan, type VehicleForPlan } from '../../src/planning/adapters/round-problem';
import type { StoredPiece } from '../../src/planning/adapters/round-merge';

const breakRepair = vi.hoisted(() => ({ on: false }));
vi.mock('../../src/planning/decompose', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/planning/decompose')>();
  return {
    ...real,
    mergeAndRepair: (...args: Parameters<typeof real.mergeAndRepair>) => {
      const plan = real.mergeAndRepair(...args);
      return breakRepair.on ? { ...plan, validation: { ...plan.validation, ok: false, violations: ['route 1: forced'] } } : plan;
    },
  };
});
const { mergeRoundPieces } = await import('../../src/planning/adapters/round-merge');

const needs: NeedForPlan[] = ['k1', 'k2', 'k3'].map((corridorId, i) => ({
  // 6 people: a food package of 2 bags (bags follow from size, not from a stored count, issue #14 item 8).
  id: `n${i}`, kind: 'food_package', urgency: 'routine', corridorId, members: 6, quantity: null, lat: 31.2 + 0.003 * i, lon: 121.4,
}));
const vehicles: VehicleForPlan[] = [{ id: 'v1', depotId: 'd1', depotLat: 31.19, depotLon: 121.4, capacity: { bags: 10 }, skills: [] }];
const built = buildProblem(needs, vehicles);
/** One sub-problem's result: a trip over k1, k2 and k3 in that order. */
function piece(): StoredPiece {
  const route = { vehicle: 0, stops: [0, 1, 2], distance: 0, duration: 0, cost: 0, load: [6, 48, 0], starts: [0, 0, 0] };
  const { trips, unserved } = toPlanPieces(built, vehicles, { routes: [route], unserved: [], cost: 0, distance: 0 }, 'sp1');
  return { subproblemId: 'sp1', vehicleIds: ['v1'], trips, unserved };
}

describe('mergeRoundPieces', () => {
  it('stores the repaired plan when it validates, trips re-timed by the validator rules', () => {
    breakRepair.on = false;
    const d = mergeRoundPieces(built, vehicles, [piece()]);
    expect(d.kind).toBe('repaired');
    if (d.kind !== 'repaired') return;
    expect(d.plan.trips.map((t) => [t.id, t.tripNo, t.stops.map((s) => s.corridorId)])).toEqual([['sp1-v1-1', 1, ['k1', 'k2', 'k3']]]);
    expect(d.plan.trips[0]!.stops[1]!.plannedStartS).toBeGreaterThan(0);
  });

  it('falls back to the plain merge when the repaired plan fails validation', () => {
    breakRepair.on = true;
    const d = mergeRoundPieces(built, vehicles, [piece()]);
    expect(d).toMatchObject({ kind: 'plain', why: ['route 1: forced'] });
    if (d.kind === 'plain') expect(d.plan).toEqual({ trips: piece().trips, unserved: [] });
  });

  it('stores nothing when not even the plain merge validates', () => {
    breakRepair.on = false;
    const p = piece();
    // 3 needs of 2 bags each on a van of 5 bags.
    const small = [{ ...vehicles[0]!, capacity: { bags: 5 } }];
    const d = mergeRoundPieces(buildProblem(needs, small), small, [p]);
    expect(d.kind).toBe('invalid');
  });

  it('refuses results that do not map onto the district', () => {
    const p = piece();
    const d = mergeRoundPieces(built, vehicles, [{ ...p, trips: [{ ...p.trips[0]!, stops: [{ corridorId: 'elsewhere', plannedStartS: 0, bags: [] }] }] }]);
    expect(d).toMatchObject({ kind: 'invalid' });
  });
});
