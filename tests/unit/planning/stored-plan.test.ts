/**
 * The stored-plan adapter: a plan the planner made validates as stored; each broken rule is named;
 * a stop's window is its gate's hours cut to the deadline of medicine due today; urgent placement
 * takes the cheapest position the validator accepts.
 */
import { describe, expect, it } from 'vitest';
import { buildProblem, toPlanPieces, windowOf, type NeedForPlan, type VehicleForPlan } from '../../../src/planning/adapters/round-problem';
import { checkStoredPlan, stopTimings, type StoredPlan } from '../../../src/planning/adapters/stored-plan';
import { placeUrgentStop } from '../../../src/planning/adapters/urgent-placement';
import { solve } from '../../../src/planning/solve';

const van = (id: string, capacity: Record<string, number> = { bags: 30 }, extra: Partial<VehicleForPlan> = {}): VehicleForPlan => ({
  id, depotId: 'd1', depotLat: 31.2, depotLon: 121.45, capacity, skills: [], ...extra,
});
const need = (id: string, corridorId: string, k: number, extra: Partial<NeedForPlan> = {}): NeedForPlan => ({
  id, kind: 'rice', urgency: 'routine', corridorId, members: 2, quantity: 20, lat: 31.2 + 0.002 * k, lon: 121.45 + 0.003 * (k % 3), ...extra,
});
const needs = Array.from({ length: 12 }, (_, i) => need(`n${i}`, `c${i}`, i));

/** A stored plan from routes given as need ids per trip (one stop per need). */
function planOf(trips: { vehicleId: string; tripNo?: number; departS?: number; needs: NeedForPlan[] }[], vehicles: VehicleForPlan[]): StoredPlan {
  return {
    vehicles,
    trips: trips.map((t, i) => ({
      id: `t${i}`, vehicleId: t.vehicleId, tripNo: t.tripNo ?? 1, departS: t.departS ?? 0,
      stops: t.needs.map((n, k) => ({ id: `s${i}-${k}`, corridorId: n.corridorId, needs: [n] })),
    })),
  };
}
const rules = (plan: StoredPlan) => [...new Set(checkStoredPlan(plan).breaks.map((b) => b.rule))];

describe('stored-plan adapter', () => {
  it('a plan the planner made validates as stored', () => {
    const vehicles = [van('v1'), van('v2'), van('v3', { bags: 30 }, { maxTrips: 2, reloadS: 600 })];
    const built = buildProblem(needs, vehicles);
    const solution = solve(built.problem, { timeLimitMs: 200, seed: 1 });
    const { trips } = toPlanPieces(built, vehicles, solution, 'sp1');
    const byId = new Map(needs.map((n) => [n.id, n]));
    const plan: StoredPlan = {
      vehicles,
      trips: trips.map((t) => ({
        id: t.id, vehicleId: t.vehicleId, tripNo: t.tripNo, departS: t.departS ?? 0,
        stops: t.stops.map((s, k) => ({ id: `${t.id}/${k}`, corridorId: s.corridorId, needs: [...new Set(s.bags.map((b) => b.needId))].map((id) => byId.get(id)!) })),
      })),
    };
    expect(checkStoredPlan(plan)).toEqual({ ok: true, breaks: [] });
    // The service starts recomputed here are the planner's own.
    const planned = trips.flatMap((t) => t.stops.map((s) => s.plannedStartS));
    expect(stopTimings(plan).map((s) => s.startS)).toEqual(planned.map((p) => expect.closeTo(p, 6)));
  });

  it('names each rule a stored plan breaks', () => {
    expect(rules(planOf([{ vehicleId: 'v1', needs: needs.slice(0, 4) }], [van('v1', { bags: 3 })]))).toEqual(['capacity:bags']);
    expect(rules(planOf([{ vehicleId: 'v1', needs: needs.slice(0, 2) }], [van('v1', { bags: 30, kg: 30 })]))).toEqual(['capacity:kg']);
    const oil = need('oil', 'c0', 0, { kind: 'oil', quantity: 10 });
    expect(rules(planOf([{ vehicleId: 'v1', needs: [oil] }], [van('v1', { bags: 30, volume_l: 5 })]))).toEqual(['capacity:litres']);
    expect(rules(planOf([{ vehicleId: 'v1', needs: [need('p', 'c0', 0, { protective: true })] }], [van('v1')]))).toEqual(['skill:protective']);
    expect(rules(planOf([{ vehicleId: 'v1', needs: [need('g', 'c0', 0, { gate: { fromMin: 360, untilMin: 420 } })] }], [van('v1')]))).toEqual(['time-window']);
    // Two trips of a one-trip van, and a second trip leaving before the first is back.
    expect(rules(planOf([{ vehicleId: 'v1', needs: [needs[0]!] }, { vehicleId: 'v1', tripNo: 2, needs: [needs[1]!] }], [van('v1')]))).toEqual(['trips']);
    expect(rules(planOf([{ vehicleId: 'v1', needs: [needs[0]!] }, { vehicleId: 'v1', tripNo: 2, departS: 60, needs: [needs[1]!] }], [van('v1', { bags: 30 }, { maxTrips: 2 })]))).toEqual(['trips']);
    expect(rules(planOf([{ vehicleId: 'v1', departS: 8 * 3600 - 60, needs: [needs[5]!] }], [van('v1')]))).toEqual(['shift']);
  });

  it('a stop\'s window: its gate\'s hours cut to the medicine deadline (12:00); the gate stands when they do not meet', () => {
    expect(windowOf([need('a', 'c', 0)])).toBeUndefined();
    expect(windowOf([need('a', 'c', 0, { gate: { fromMin: 540, untilMin: 780 } })])).toEqual([3600, 5 * 3600]);
    const dueToday = need('m', 'c', 0, { kind: 'medicine', urgency: 'today', quantity: null });
    expect(windowOf([dueToday])).toEqual([0, 4 * 3600]);
    expect(windowOf([dueToday, need('a', 'c', 0, { gate: { fromMin: 540, untilMin: 780 } })])).toEqual([3600, 4 * 3600]);
    // Gate from 13:00: the deadline cannot be met, the gate's hours stand (reported as a missed deadline).
    expect(windowOf([dueToday, need('a', 'c', 0, { gate: { fromMin: 780, untilMin: null } })])).toEqual([5 * 3600, 8 * 3600]);
    const late = planOf([{ vehicleId: 'v1', needs: [{ ...dueToday, gate: { fromMin: 780, untilMin: null } }] }], [van('v1')]);
    expect(stopTimings(late)[0]).toMatchObject({ late: false, deadlineS: 4 * 3600, deadlineMissed: true });
  });

  it('urgent placement takes the cheapest position the validator accepts, else a trip of its own, else names the rule', () => {
    const vehicles = [van('v1', { bags: 30 }), van('v2', { bags: 30 }, { maxTrips: 2, reloadS: 600 })];
    const plan = planOf([{ vehicleId: 'v1', needs: needs.slice(0, 4) }, { vehicleId: 'v2', needs: needs.slice(6, 9) }], vehicles);
    const urgent = { id: '', corridorId: 'c1', needs: [need('u', 'c1', 1, { kind: 'medicine', urgency: 'emergency', quantity: null })] };
    expect(placeUrgentStop(plan, urgent, ['v1', 'v2'])).toMatchObject({ kind: 'stop', tripId: 't0' });
    // v1 full (4 x 2 bags in 8): the cheapest position is refused, v2's trip takes it.
    const full = { ...plan, vehicles: [van('v1', { bags: 8 }), vehicles[1]!] };
    expect(placeUrgentStop(full, urgent, ['v1', 'v2'])).toMatchObject({ kind: 'stop', tripId: 't1' });
    // Both full: v2 has a trip to spare, after its first is back and reloaded.
    const both = { ...plan, vehicles: [van('v1', { bags: 8 }), van('v2', { bags: 6 }, { maxTrips: 2, reloadS: 600 })] };
    const own = placeUrgentStop(both, urgent, ['v1', 'v2']);
    expect(own).toMatchObject({ kind: 'trip', vehicleId: 'v2', tripNo: 2 });
    expect((own as { departS: number }).departS).toBeGreaterThan(600);
    const none = { ...plan, vehicles: [van('v1', { bags: 8 }), van('v2', { bags: 6 })] };
    expect(placeUrgentStop(none, urgent, ['v1', 'v2'])).toMatchObject({ kind: 'none', breaks: [expect.objectContaining({ rule: 'capacity:bags' })] });
  });
});
