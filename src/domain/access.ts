/**
 * Who may see or change what. Pure policy over plain data, so every route, socket room and
 * worker asks the same question the same way, and the authorization matrix can be tested
 * without a server.
 */

export const ROLES = ['resident', 'coordinator', 'community_staff', 'dispatcher', 'driver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, as loaded from its session. */
export interface Actor {
  userId: string;
  role: Role;
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

/** Staff who see a whole district's households (their medical details only through audited reads). */
const districtWide: ReadonlySet<Role> = new Set<Role>(['dispatcher', 'admin']);

export function canAccessHousehold(actor: Actor, scope: HouseholdScope): boolean {
  switch (actor.role) {
    case 'resident':
      return actor.householdId === scope.householdId;
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

export function canAccessCommunity(actor: Actor, communityId: string): boolean {
  return actor.role === 'admin' || actor.role === 'dispatcher' || (actor.role === 'community_staff' && actor.communityIds.includes(communityId));
}

/** Roles that may see medicine names and medical-pass details (each read is audited). */
export function mayReadMedicalDetails(actor: Actor, scope: HouseholdScope): boolean {
  return actor.role !== 'driver' && actor.role !== 'dispatcher' && canAccessHousehold(actor, scope);
}
