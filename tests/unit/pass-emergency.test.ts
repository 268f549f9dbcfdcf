import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access';
import { assertEmergencyTransition, canEmergencyTransition, EMERGENCY_STATUSES, mayCompleteEmergency, mayRaiseEmergency, mayReviewEmergency, type EmergencyStatus } from '../../src/domain/emergency';

const ALLOWED: Record<EmergencyStatus, EmergencyStatus[]> = {
  accepted: ['trip_assigned', 'unserved', 'cancelled'],
  unserved: ['trip_assigned', 'cancelled'],
  trip_assigned: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

describe('emergency case machine', () => {
  for (const from of EMERGENCY_STATUSES) {
    for (const to of EMERGENCY_STATUSES) {
      const ok = ALLOWED[from].includes(to);
      it(`${from} > ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
        expect(canEmergencyTransition(from, to)).toBe(ok);
        if (ok) expect(() => assertEmergencyTransition(from, to)).not.toThrow();
        else expect(() => assertEmergencyTransition(from, to)).toThrow(expect.objectContaining({ code: 'invalid_transition', details: expect.objectContaining({ from, to }) }));
      });
    }
  }
});

describe('emergency policy', () => {
  const scope = { householdId: 'h1', corridorId: 'c1', communityId: 'm1' };
  const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ userId: 'u', role, corridorIds: [], communityIds: [], ...extra });
  it('the household side, staff and dispatch raise; drivers and strangers do not', () => {
    expect(mayRaiseEmergency(actor('resident', { householdId: 'h1' }), scope)).toBe(true);
    expect(mayRaiseEmergency(actor('resident', { householdId: 'h2' }), scope)).toBe(false);
    expect(mayRaiseEmergency(actor('coordinator', { corridorIds: ['c1'] }), scope)).toBe(true);
    expect(mayRaiseEmergency(actor('community_staff', { communityIds: ['m1'] }), scope)).toBe(true);
    expect(mayRaiseEmergency(actor('community_staff', { communityIds: ['m2'] }), scope)).toBe(false);
    expect(mayRaiseEmergency(actor('dispatcher'), scope)).toBe(true);
    expect(mayRaiseEmergency(actor('driver', { driverId: 'd1' }), scope)).toBe(false);
  });
  it('the community’s staff review; the trip’s driver, staff or dispatch report done', () => {
    expect(mayReviewEmergency(actor('community_staff', { communityIds: ['m1'] }), 'm1')).toBe(true);
    expect(mayReviewEmergency(actor('community_staff', { communityIds: ['m2'] }), 'm1')).toBe(false);
    expect(mayReviewEmergency(actor('dispatcher'), 'm1')).toBe(false);
    const c = { communityId: 'm1', driverId: 'd1' };
    expect(mayCompleteEmergency(actor('driver', { driverId: 'd1' }), c)).toBe(true);
    expect(mayCompleteEmergency(actor('driver', { driverId: 'd2' }), c)).toBe(false);
    expect(mayCompleteEmergency(actor('dispatcher'), c)).toBe(true);
    expect(mayCompleteEmergency(actor('resident', { householdId: 'h1' }), c)).toBe(false);
  });
});
