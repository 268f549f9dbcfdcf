/**
 * Object-level authorization for use cases: ask the policy (src/domain/access.ts), and when it
 * says no, record the refusal in the audit log and throw `forbidden`. Every route that takes an
 * id goes through one of these, so refusals look and are recorded the same everywhere.
 */
import { canAccessCommunity, canAccessCorridor, canAccessHousehold, type Actor, type HouseholdScope, type NeedScope } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { AuditService } from './audit.service';

export interface GuardContext {
  audit: AuditService | undefined;
  reqId?: string | undefined;
}

async function deny(ctx: GuardContext, actor: Actor, action: string, subjectType: string, subjectId: string): Promise<never> {
  await ctx.audit?.record({ actor, action, subjectType, subjectId, outcome: 'denied', reqId: ctx.reqId ?? null });
  throw new AppError('forbidden', `not allowed to ${action.split('.').pop() ?? 'access'} this ${subjectType}`);
}

export async function guardHousehold(ctx: GuardContext, actor: Actor, scope: HouseholdScope, action: string): Promise<void> {
  if (!canAccessHousehold(actor, scope)) await deny(ctx, actor, action, 'household', scope.householdId);
}

/** A need: a household's is guarded as its household, a corridor's own (a waste pickup) as the corridor. */
export async function guardNeed(ctx: GuardContext, actor: Actor, scope: NeedScope, action: string): Promise<void> {
  if (scope.householdId === null) await guardCorridor(ctx, actor, scope.corridorId, scope.communityId, action);
  else await guardHousehold(ctx, actor, { ...scope, householdId: scope.householdId }, action);
}

export async function guardCorridor(ctx: GuardContext, actor: Actor, corridorId: string, communityId: string, action: string): Promise<void> {
  if (!canAccessCorridor(actor, corridorId, communityId)) await deny(ctx, actor, action, 'corridor', corridorId);
}

export async function guardCommunity(ctx: GuardContext, actor: Actor, communityId: string, action: string): Promise<void> {
  if (!canAccessCommunity(actor, communityId)) await deny(ctx, actor, action, 'community', communityId);
}

/** Roles, for actions some roles never take whatever the object (e.g. drivers registering needs). */
export async function guardRole(ctx: GuardContext, actor: Actor, allowed: readonly Actor['role'][], action: string, subjectType: string, subjectId: string): Promise<void> {
  if (!allowed.includes(actor.role)) await deny(ctx, actor, action, subjectType, subjectId);
}

/** A decision made by the caller (e.g. "one of the coordinator's corridors lies in this building"). */
export async function guardDecision(ctx: GuardContext, actor: Actor, allowed: boolean, action: string, subjectType: string, subjectId: string): Promise<void> {
  if (!allowed) await deny(ctx, actor, action, subjectType, subjectId);
}
