/**
 * Object-level authorization for routes and sockets: load where the object sits, ask the pure
 * policy in domain/access.ts, record every refusal in the audit log, and throw.
 *
 * An object outside the caller's scope, or a route the caller's role may not use, answers 403
 * 'forbidden'; an id that names nothing answers 404 'not_found' (as access-guard.ts does for the
 * intake routes: ids are random UUIDs, so existence tells little). Both are audited as 'denied'.
 */
import { canAccessCommunity, canAccessCorridor, canAccessDriver, canAccessNeed, mayReadMedicalDetails, type Actor, type HouseholdScope, type NeedScope, type Role } from '../../domain/access';
import { AppError } from '../../shared/errors';
import { communityExists, corridorScope, driverExists, householdScope, needScope } from '../../store/account-scope.repository';

import type { AuditService } from './audit.service';
import type { Db } from '../../store/db';

/** The access checks of one request, bound to its actor and request id. */
export interface Access {
  readonly actor: Actor;
  household(householdId: string, action: string): Promise<HouseholdScope>;
  /** A corridor's own need (householdId null, a waste pickup) is checked as its corridor. */
  need(needId: string, action: string): Promise<NeedScope>;
  corridor(corridorId: string, action: string): Promise<{ corridorId: string; communityId: string }>;
  community(communityId: string, action: string): Promise<void>;
  driver(driverId: string, action: string): Promise<void>;
  role(roles: readonly Role[], action: string, subjectType?: string, subjectId?: string | null): Promise<void>;
  /**
   * True when the actor may see the medical details (drug, prescription, pass reason) of this
   * household's needs; the read is then recorded. False: serve the record without them.
   */
  medicalRead(scope: HouseholdScope, action: string, subjectType: string, subjectId: string): Promise<boolean>;
  /** Records an allowed state change or read (pass the transaction of the change). */
  allowed(action: string, subjectType: string, subjectId: string | null, executor?: Db): Promise<void>;
}

export interface AuthorizationDeps {
  db: Db;
  audit: AuditService;
}

export function accessFor(deps: AuthorizationDeps, actor: Actor, reqId: string | null = null): Access {
  const record = (action: string, subjectType: string, subjectId: string | null, outcome: 'allowed' | 'denied', executor?: Db) =>
    deps.audit.record({ actor, action, subjectType, subjectId, outcome, reqId }, executor);

  /** Records the refusal and returns the error to throw. */
  const refuse = async (action: string, subjectType: string, subjectId: string | null, code: 'not_found' | 'forbidden'): Promise<AppError> => {
    await record(action, subjectType, subjectId, 'denied');
    return code === 'not_found' ? new AppError('not_found', `${subjectType} not found`) : new AppError('forbidden', `not allowed: ${action}`);
  };

  const scoped = async <S extends NeedScope>(scope: S | undefined, action: string, type: string, id: string): Promise<S> => {
    if (!scope) throw await refuse(action, type, id, 'not_found');
    if (!canAccessNeed(actor, scope)) throw await refuse(action, type, id, 'forbidden');
    return scope;
  };

  return {
    actor,
    household: async (id, action) => scoped(await householdScope(deps.db, id), action, 'household', id),
    need: async (id, action) => scoped(await needScope(deps.db, id), action, 'need', id),
    async corridor(id, action) {
      const scope = await corridorScope(deps.db, id);
      if (!scope) throw await refuse(action, 'corridor', id, 'not_found');
      if (!canAccessCorridor(actor, scope.corridorId, scope.communityId)) throw await refuse(action, 'corridor', id, 'forbidden');
      return scope;
    },
    async community(id, action) {
      if (!(await communityExists(deps.db, id))) throw await refuse(action, 'community', id, 'not_found');
      if (!canAccessCommunity(actor, id)) throw await refuse(action, 'community', id, 'forbidden');
    },
    async driver(id, action) {
      if (!(await driverExists(deps.db, id))) throw await refuse(action, 'driver', id, 'not_found');
      if (!canAccessDriver(actor, id)) throw await refuse(action, 'driver', id, 'forbidden');
    },
    async role(roles, action, subjectType = 'route', subjectId = null) {
      if (!roles.includes(actor.role)) throw await refuse(action, subjectType, subjectId, 'forbidden');
    },
    async medicalRead(scope, action, subjectType, subjectId) {
      if (!mayReadMedicalDetails(actor, scope)) return false;
      await record(action, subjectType, subjectId, 'allowed');
      return true;
    },
    allowed: (action, subjectType, subjectId, executor) => record(action, subjectType, subjectId, 'allowed', executor),
  };
}
