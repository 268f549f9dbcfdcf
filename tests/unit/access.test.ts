import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ROLES,
  canAccessCommunity,
  canAccessCorridor,
  canAccessDriver,
  canAccessHousehold,
  canAccessNeed,
  canManageAccounts,
  isRole,
  mayReadMedicalDetails,
  visibleHouseholds,
  type Actor,
  type HouseholdScope,
  type NeedScope,
  type Role,
} from '../../src/domain/access';

// A small grid: corridors c1, c2 in community m1; corridor c3 in community m2.
const own: HouseholdScope = { householdId: 'h1', corridorId: 'c1', communityId: 'm1' };
const sameCorridor: HouseholdScope = { householdId: 'h2', corridorId: 'c1', communityId: 'm1' };
const otherCorridor: HouseholdScope = { householdId: 'h3', corridorId: 'c2', communityId: 'm1' };
const otherCommunity: HouseholdScope = { householdId: 'h4', corridorId: 'c3', communityId: 'm2' };
const targets = { own, sameCorridor, otherCorridor, otherCommunity };
type Target = keyof typeof targets;

const actors: Record<Role, Actor> = {
  resident: { userId: 'u1', role: 'resident', householdId: 'h1', corridorIds: [], communityIds: [] },
  coordinator: { userId: 'u2', role: 'coordinator', corridorIds: ['c1'], communityIds: [] },
  community_staff: { userId: 'u3', role: 'community_staff', corridorIds: [], communityIds: ['m1'] },
  dispatcher: { userId: 'u4', role: 'dispatcher', corridorIds: [], communityIds: [] },
  driver: { userId: 'u5', role: 'driver', driverId: 'd1', corridorIds: [], communityIds: [] },
  admin: { userId: 'u6', role: 'admin', corridorIds: [], communityIds: [] },
};

// The expected answer, written out by hand so a policy change has to change this table too.
const householdAccess: Record<Role, Record<Target, boolean>> = {
  resident: { own: true, sameCorridor: false, otherCorridor: false, otherCommunity: false },
  coordinator: { own: true, sameCorridor: true, otherCorridor: false, otherCommunity: false },
  community_staff: { own: true, sameCorridor: true, otherCorridor: true, otherCommunity: false },
  dispatcher: { own: true, sameCorridor: true, otherCorridor: true, otherCommunity: true },
  driver: { own: false, sameCorridor: false, otherCorridor: false, otherCommunity: false },
  admin: { own: true, sameCorridor: true, otherCorridor: true, otherCommunity: true },
};

describe('canAccessHousehold', () => {
  for (const role of ROLES) {
    for (const [target, scope] of Object.entries(targets) as [Target, HouseholdScope][]) {
      it(`${role} -> ${target}: ${householdAccess[role][target] ? 'allowed' : 'refused'}`, () => {
        expect(canAccessHousehold(actors[role], scope)).toBe(householdAccess[role][target]);
      });
    }
  }

  it('a resident without a household sees no household, not every household without one', () => {
    const homeless: Actor = { userId: 'u9', role: 'resident', corridorIds: [], communityIds: [] };
    const scopeWithEmptyId: HouseholdScope = { householdId: '', corridorId: 'c1', communityId: 'm1' };
    expect(canAccessHousehold(homeless, own)).toBe(false);
    expect(canAccessHousehold({ ...homeless, householdId: undefined }, scopeWithEmptyId)).toBe(false);
  });

  it('assignments of another role grant nothing (a resident listed in a corridor is still a resident)', () => {
    const resident: Actor = { ...actors.resident, corridorIds: ['c1', 'c2', 'c3'], communityIds: ['m1', 'm2'] };
    expect(canAccessHousehold(resident, sameCorridor)).toBe(false);
    expect(canAccessHousehold(resident, otherCommunity)).toBe(false);
  });
});

describe('canAccessCorridor / canAccessCommunity', () => {
  it('follows the assignments', () => {
    expect(ROLES.map((r) => canAccessCorridor(actors[r], 'c1', 'm1'))).toEqual([false, true, true, true, false, true]);
    expect(ROLES.map((r) => canAccessCorridor(actors[r], 'c2', 'm1'))).toEqual([false, false, true, true, false, true]);
    expect(ROLES.map((r) => canAccessCorridor(actors[r], 'c3', 'm2'))).toEqual([false, false, false, true, false, true]);
    expect(ROLES.map((r) => canAccessCommunity(actors[r], 'm1'))).toEqual([false, false, true, true, false, true]);
    expect(ROLES.map((r) => canAccessCommunity(actors[r], 'm2'))).toEqual([false, false, false, true, false, true]);
  });

  it('property: a coordinator reaches a household exactly when its corridor is assigned', () => {
    const id = fc.constantFrom('c1', 'c2', 'c3', 'c4');
    fc.assert(
      fc.property(fc.uniqueArray(id), id, fc.constantFrom('m1', 'm2'), (assigned, corridorId, communityId) => {
        const actor: Actor = { userId: 'u', role: 'coordinator', corridorIds: assigned, communityIds: [communityId] };
        const scope = { householdId: 'h', corridorId, communityId };
        expect(canAccessHousehold(actor, scope)).toBe(assigned.includes(corridorId));
        expect(canAccessCorridor(actor, corridorId, communityId)).toBe(assigned.includes(corridorId));
      }),
    );
  });
});

describe('canAccessNeed: a corridor\'s own need (a waste pickup, no household)', () => {
  const corridorNeed = (corridorId: string, communityId: string): NeedScope => ({ householdId: null, corridorId, communityId });

  it('is the corridor\'s: its unit chief, the community\'s staff, dispatchers and admins; never a resident nor a driver', () => {
    expect(ROLES.filter((r) => canAccessNeed(actors[r], corridorNeed('c1', 'm1')))).toEqual(['coordinator', 'community_staff', 'dispatcher', 'admin']);
    expect(ROLES.filter((r) => canAccessNeed(actors[r], corridorNeed('c2', 'm1')))).toEqual(['community_staff', 'dispatcher', 'admin']);
    expect(ROLES.filter((r) => canAccessNeed(actors[r], corridorNeed('c3', 'm2')))).toEqual(['dispatcher', 'admin']);
  });

  it('a resident without a household does not match a need without one', () => {
    const homeless: Actor = { userId: 'u9', role: 'resident', corridorIds: ['c1'], communityIds: ['m1'] };
    expect(canAccessNeed(homeless, corridorNeed('c1', 'm1'))).toBe(false);
  });

  it('a household\'s need is its household\'s', () => {
    for (const role of ROLES) {
      for (const scope of Object.values(targets)) expect(canAccessNeed(actors[role], scope)).toBe(canAccessHousehold(actors[role], scope));
    }
  });
});

describe('drivers, accounts, medical details', () => {
  it('a driver sees only their own batches', () => {
    expect(canAccessDriver(actors.driver, 'd1')).toBe(true);
    expect(canAccessDriver(actors.driver, 'd2')).toBe(false);
    expect(canAccessDriver({ ...actors.driver, driverId: undefined }, 'd1')).toBe(false);
    expect(ROLES.map((r) => canAccessDriver(actors[r], 'd2'))).toEqual([false, false, false, true, false, true]);
  });

  it('only admins manage accounts', () => {
    expect(ROLES.filter((r) => canManageAccounts(actors[r]))).toEqual(['admin']);
  });

  it('medical details: household access minus drivers and dispatchers', () => {
    expect(ROLES.filter((r) => mayReadMedicalDetails(actors[r], own))).toEqual(['resident', 'coordinator', 'community_staff', 'admin']);
    expect(ROLES.filter((r) => mayReadMedicalDetails(actors[r], otherCommunity))).toEqual(['admin']);
  });

  it('isRole accepts exactly the roles', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});

describe('visibleHouseholds', () => {
  // A list filtered by visibleHouseholds must return exactly what canAccessHousehold allows one by one.
  const passes = (actor: Actor, scope: HouseholdScope): boolean => {
    const v = visibleHouseholds(actor);
    switch (v.kind) {
      case 'all':
        return true;
      case 'household':
        return v.householdId === scope.householdId;
      case 'corridors':
        return v.corridorIds.includes(scope.corridorId);
      case 'communities':
        return v.communityIds.includes(scope.communityId);
      case 'none':
        return false;
    }
  };

  for (const role of ROLES) {
    it(`${role}: the list filter agrees with the per-household check`, () => {
      for (const scope of Object.values(targets)) expect(passes(actors[role], scope)).toBe(canAccessHousehold(actors[role], scope));
    });
  }

  it('a resident without a household sees nothing', () => {
    expect(visibleHouseholds({ userId: 'u', role: 'resident', corridorIds: [], communityIds: [] })).toEqual({ kind: 'none' });
  });
});
