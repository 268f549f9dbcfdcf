/**
 * Who may join which live scope: the access policy of src/domain/access.ts applied to scopes,
 * with the few lookups it needs (which community a corridor is in, where a household sits,
 * whose batch it is) behind a small directory interface.
 */
import { canAccessCommunity, canAccessCorridor, canAccessDriver, canAccessHousehold, type Actor, type HouseholdScope } from '../../domain/access';
import { parseScope, type Scope } from '../../contracts/events';

export interface ScopeDirectory {
  /** The community a corridor belongs to; null when there is no such corridor. */
  communityOfCorridor(corridorId: string): Promise<string | null>;
  householdScope(householdId: string): Promise<HouseholdScope | null>;
  /** The driver record a batch is assigned to; null when unknown or unassigned. */
  driverOfBatch(batchId: string): Promise<string | null>;
}

export async function canJoinScope(actor: Actor, value: Scope, directory: ScopeDirectory): Promise<boolean> {
  const parsed = parseScope(value);
  if (!parsed) return false;
  switch (parsed.kind) {
    case 'dispatch':
      return actor.role === 'dispatcher' || actor.role === 'admin';
    case 'corridor': {
      const communityId = await directory.communityOfCorridor(parsed.id);
      return communityId !== null && canAccessCorridor(actor, parsed.id, communityId);
    }
    case 'community':
      return canAccessCommunity(actor, parsed.id);
    case 'household': {
      const where = await directory.householdScope(parsed.id);
      return where !== null && canAccessHousehold(actor, where);
    }
    case 'batch': {
      const driverId = await directory.driverOfBatch(parsed.id);
      return driverId !== null && canAccessDriver(actor, driverId);
    }
    case 'driver':
      // The same rule as the driver's batches over HTTP: the driver themself, dispatch and admin.
      return canAccessDriver(actor, parsed.id);
    case 'session':
      // The server puts each socket in its own session room; nobody subscribes to one.
      return false;
    default: {
      const unreachable: never = parsed;
      return unreachable;
    }
  }
}
