/** Needs and households as the API shows them, with medical fields only for callers allowed to read them. */
import type { HouseholdView, NeedView } from '../../contracts/intake.contract';
import { mayReadMedicalDetails, type Actor, type NeedScope } from '../../domain/access';
import { needsProtectiveHandling, type Household } from '../../domain/household';
import { hasMedicalDetails, withoutMedicalDetails, type Need, type StatusChange } from '../../domain/need';

export function scopeOf(n: Pick<Need, 'householdId' | 'corridorId' | 'communityId'>): NeedScope {
  return { householdId: n.householdId, corridorId: n.corridorId, communityId: n.communityId };
}

/** Whether showing this need to this actor reveals medical details (such reads are audited). */
export function revealsMedical(actor: Actor, need: Need): boolean {
  return hasMedicalDetails(need.kind) && mayReadMedicalDetails(actor, scopeOf(need));
}

export function needView(actor: Actor, need: Need, history?: StatusChange[]): NeedView {
  const redact = hasMedicalDetails(need.kind) && !mayReadMedicalDetails(actor, scopeOf(need));
  return {
    id: need.id,
    householdId: need.householdId,
    kind: need.kind,
    status: need.status,
    urgency: need.urgency,
    priority: need.priority,
    cycle: need.cycle,
    details: redact ? withoutMedicalDetails(need.kind, need.details) : need.details,
    detailsRedacted: redact,
    failureReason: need.failureReason,
    createdBy: need.createdBy,
    createdAt: need.createdAt.toISOString(),
    updatedAt: need.updatedAt.toISOString(),
    ...(history ? { history: history.map((h) => ({ ...h, at: h.at.toISOString() })) } : {}),
  };
}

export function householdView(h: Household): HouseholdView {
  return { ...h, protectiveHandling: needsProtectiveHandling(h) };
}
