/**
 * The emergency channel: an acute illness (to hospital now) or emergency medicine (to the door
 * now) is accepted at once, without review, and reviewed afterwards. A case records when it was
 * accepted, when a trip was assigned and when it was done: the response times staff report on.
 */
import { canAccessCommunity, canAccessHousehold, type Actor, type HouseholdScope } from './access';
import { AppError } from '../shared/errors';

export const EMERGENCY_KINDS = ['acute_illness', 'emergency_medicine'] as const;
export type EmergencyKind = (typeof EMERGENCY_KINDS)[number];

export const EMERGENCY_STATUSES = ['accepted', 'trip_assigned', 'done', 'unserved', 'cancelled'] as const;
export type EmergencyStatus = (typeof EMERGENCY_STATUSES)[number];

export const REVIEW_OUTCOMES = ['justified', 'not_justified', 'follow_up'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

const NEXT: Record<EmergencyStatus, readonly EmergencyStatus[]> = {
  accepted: ['trip_assigned', 'unserved', 'cancelled'],
  // Unserved is retried: the next sweep may find a vehicle.
  unserved: ['trip_assigned', 'cancelled'],
  trip_assigned: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

export function canEmergencyTransition(from: EmergencyStatus, to: EmergencyStatus): boolean {
  return NEXT[from].includes(to);
}

export function assertEmergencyTransition(from: EmergencyStatus, to: EmergencyStatus): void {
  if (!canEmergencyTransition(from, to)) {
    throw new AppError('invalid_transition', `an emergency case that is ${from} cannot become ${to}`, { details: { from, to, allowed: NEXT[from] } });
  }
}

export interface EmergencyCase {
  id: string;
  householdId: string;
  corridorId: string;
  communityId: string;
  kind: EmergencyKind;
  status: EmergencyStatus;
  needId: string | null;
  hospitalId: string | null;
  /** `transport:<trip id>` or `round:<round id>:<trip id>`. */
  tripRef: string | null;
  driverId: string | null;
  unservedReason: string | null;
  acceptedAt: Date;
  tripAssignedAt: Date | null;
  doneAt: Date | null;
  createdBy: string;
  reviewStatus: 'open' | 'closed';
  reviewOutcome: ReviewOutcome | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
}

/** Anyone who may act for the household raises an emergency; drivers do not (they call dispatch). */
export function mayRaiseEmergency(actor: Actor, scope: HouseholdScope): boolean {
  return actor.role !== 'driver' && canAccessHousehold(actor, scope);
}

/** Reviews are the community's: its staff close them (admins too, for clean-up). */
export function mayReviewEmergency(actor: Actor, communityId: string): boolean {
  return (actor.role === 'community_staff' && canAccessCommunity(actor, communityId)) || actor.role === 'admin';
}

/** Done is reported by the driver of the trip, or by community staff or dispatch. */
export function mayCompleteEmergency(actor: Actor, c: Pick<EmergencyCase, 'communityId' | 'driverId'>): boolean {
  if (actor.role === 'driver') return actor.driverId !== undefined && actor.driverId === c.driverId;
  return actor.role === 'dispatcher' || actor.role === 'admin' || (actor.role === 'community_staff' && canAccessCommunity(actor, c.communityId));
}
