/**
 * Who may see or change what. Pure policy over plain data, so every route, socket room and
 * worker asks the same question the same way, and the authorization matrix can be tested
 * without a server.
 */

export const ROLES = ['resident', 'coordinator', 'community_staff', 'dispatcher', 'driver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The author the history and the audit log name for what the round scheduler does by itself: the
 * scheduled rounds it starts (the rounds list marks them `scheduled`), the cycle's food entitlements
 * and due waste pickups it creates (needs nobody requested, so nobody is told they were accepted).
 */
export const SCHEDULER_ACTOR = 'scheduler';

/** The authenticated caller, as loaded from its session. */
export interface Actor {
  userId: string;
  role: Role;
  /** The session the actor came in with (Socket.IO puts each session in a room named after it, to revoke). */
  sessionId?: string;
  /** resident: the household they belong to. */
  householdId?: string;
  /** coordinator (unit chief): the corridors assigned to them. */
  corridorIds: readonly string[];
  /** community staff: the communities they work for. */
  communityIds: readonly string[];
  /** driver: the driver record whose batches they see. */
  driverId?: string;
}

/** Where a household sits in the grid: enough to decide access to it and its needs. */
export interface HouseholdScope {
  householdId: string;
  corridorId: string;
  communityId: string;
}

/**
 * Where a need sits: a household's need sits where its household does; a corridor's own need
 * (householdId null: a waste pickup) belongs to the corridor as a whole.
 */
export interface NeedScope {
  householdId: string | null;
  corridorId: string;
  communityId: string;
}

/** Staff who see the whole district's households (their medical details only through audited reads). */
const districtWide: ReadonlySet<Role> = new Set<Role>(['dispatcher', 'admin']);

export function canAccessHousehold(actor: Actor, scope: HouseholdScope): boolean {
  switch (actor.role) {
    case 'resident':
      return actor.householdId !== undefined && actor.householdId === scope.householdId;
    case 'coordinator':
      return actor.corridorIds.includes(scope.corridorId);
    case 'community_staff':
      return actor.communityIds.includes(scope.communityId);
    case 'dispatcher':
    case 'admin':
      return districtWide.has(actor.role);
    case 'driver':
      // Drivers see their batches (bag ids and counts), never household records.
      return false;
    default: {
      const unreachable: never = actor.role;
      return unreachable;
    }
  }
}

/** A corridor (stairwell/unit) as a whole: its household list, the coordinator's CSV import. */
export function canAccessCorridor(actor: Actor, corridorId: string, communityId: string): boolean {
  switch (actor.role) {
    case 'coordinator':
      return actor.corridorIds.includes(corridorId);
    case 'community_staff':
      return actor.communityIds.includes(communityId);
    case 'dispatcher':
    case 'admin':
      return true;
    case 'resident':
    case 'driver':
      return false;
    default: {
      const unreachable: never = actor.role;
      return unreachable;
    }
  }
}

/**
 * A need: a household's as its household; a corridor's as the corridor (its unit chief, the
 * community's staff, dispatchers and admins; a resident is never the corridor).
 */
export function canAccessNeed(actor: Actor, scope: NeedScope): boolean {
  return scope.householdId === null
    ? canAccessCorridor(actor, scope.corridorId, scope.communityId)
    : canAccessHousehold(actor, { ...scope, householdId: scope.householdId });
}

/** A community as a whole. Coordinators see their corridors, not the community around them. */
export function canAccessCommunity(actor: Actor, communityId: string): boolean {
  return districtWide.has(actor.role) || (actor.role === 'community_staff' && actor.communityIds.includes(communityId));
}

/** A driver's batches and trips: the driver themself, and the people who plan and run dispatch. */
export function canAccessDriver(actor: Actor, driverId: string): boolean {
  if (actor.role === 'driver') return actor.driverId !== undefined && actor.driverId === driverId;
  return districtWide.has(actor.role);
}

/** Accounts, assignments and session revocation. */
export function canManageAccounts(actor: Actor): boolean {
  return actor.role === 'admin';
}

/**
 * Roles that may see medicine names and medical-pass details (each read is audited).
 * Dispatchers plan with counts and handling flags, so they never need the details themselves.
 */
export function mayReadMedicalDetails(actor: Actor, scope: NeedScope): boolean {
  return actor.role !== 'driver' && actor.role !== 'dispatcher' && canAccessNeed(actor, scope);
}

/** Which households a list query may return for this actor (lists filter; they never refuse). */
export type VisibleHouseholds =
  | { kind: 'all' }
  | { kind: 'household'; householdId: string }
  | { kind: 'corridors'; corridorIds: readonly string[] }
  | { kind: 'communities'; communityIds: readonly string[] }
  | { kind: 'none' };

export function visibleHouseholds(actor: Actor): VisibleHouseholds {
  switch (actor.role) {
    case 'resident':
      return actor.householdId ? { kind: 'household', householdId: actor.householdId } : { kind: 'none' };
    case 'coordinator':
      return { kind: 'corridors', corridorIds: actor.corridorIds };
    case 'community_staff':
      return { kind: 'communities', communityIds: actor.communityIds };
    case 'dispatcher':
    case 'admin':
      return { kind: 'all' };
    case 'driver':
      return { kind: 'none' };
    default: {
      const unreachable: never = actor.role;
      return unreachable;
    }
  }
}
