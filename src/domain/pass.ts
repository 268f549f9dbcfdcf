/**
 * Medical passes: what a pass is, its default validity window, and who may do what with it.
 * The policy is pure (like access.ts), so routes, services and tests ask it the same way.
 */
import { canAccessCommunity, canAccessHousehold, type Actor, type HouseholdScope } from './access';
import { OUT_STATUSES, type PassStatus } from './pass-status';

export interface Pass {
  id: string;
  householdId: string;
  corridorId: string;
  communityId: string;
  /** The household member who travels (printed in the code, for the checkpoint's ID check). */
  person: string;
  hospitalId: string;
  /** Medical: shown only to roles allowed to read medical details. */
  reason: string;
  appointmentAt: Date;
  /** When the visit is expected to end: the return trip is planned from here. */
  visitEndsAt: Date;
  needsEscort: boolean;
  needsWheelchair: boolean;
  status: PassStatus;
  refusalReason: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  code: string | null;
  /** The driver of the outbound trip, once transport is planned. */
  driverId: string | null;
  /** The medical_pass need (intake) this pass continues, if it came from one. */
  needId: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const PASS_ACTIONS = [
  'apply', 'read', 'review', 'approve', 'refuse', 'issue', 'outbound_done', 'at_hospital', 'return_done',
  'return', 'cancel', 'verify',
] as const;
export type PassAction = (typeof PASS_ACTIONS)[number];

/** The status each state-changing action leads to. */
export const ACTION_TARGET: Partial<Record<PassAction, PassStatus>> = {
  review: 'under_review',
  approve: 'approved',
  refuse: 'refused',
  issue: 'issued',
  outbound_done: 'outbound_done',
  at_hospital: 'at_hospital',
  return_done: 'return_done',
  return: 'returned',
  cancel: 'cancelled',
};

/** Where a pass sits, and the drivers of its trips (outbound and return may be different cars). */
export type PassSubject = HouseholdScope & { driverIds: readonly string[] };

const staffOf = (actor: Actor, communityId: string): boolean => actor.role === 'community_staff' && canAccessCommunity(actor, communityId);
const applicant = (actor: Actor, s: HouseholdScope): boolean =>
  (actor.role === 'resident' || actor.role === 'coordinator') && canAccessHousehold(actor, s);
const assignedDriver = (actor: Actor, s: PassSubject): boolean =>
  actor.role === 'driver' && actor.driverId !== undefined && s.driverIds.includes(actor.driverId);

/**
 * May `actor` take `action` on a pass of this household? Residents and coordinators apply for
 * (and may withdraw) their household's passes; community staff of its community decide, issue
 * and take the pass back; the assigned driver marks the trips (staff may too, e.g. after an
 * ambulance took the resident); drivers and staff verify codes at checkpoints.
 */
export function mayActOnPass(actor: Actor, action: PassAction, s: PassSubject): boolean {
  switch (action) {
    case 'apply':
      return applicant(actor, s);
    case 'read':
      return canAccessHousehold(actor, s) || assignedDriver(actor, s);
    case 'review':
    case 'approve':
    case 'refuse':
    case 'issue':
    case 'return':
      return staffOf(actor, s.communityId);
    case 'cancel':
      return staffOf(actor, s.communityId) || applicant(actor, s);
    case 'outbound_done':
    case 'at_hospital':
    case 'return_done':
      return assignedDriver(actor, s) || staffOf(actor, s.communityId);
    case 'verify':
      return mayVerifyPasses(actor);
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}

/** Online verification answers for any pass (a checkpoint does not know whose pass comes next). */
export function mayVerifyPasses(actor: Actor): boolean {
  return actor.role === 'driver' || actor.role === 'community_staff' || actor.role === 'dispatcher' || actor.role === 'admin';
}

/** Applicants may withdraw only before the pass is out; staff may also call in an issued pass. */
/**
 * An issued pass is out with the resident: only community staff call it in. Any other state is
 * for the status machine to judge (an already cancelled pass is a 409, not a refusal of access).
 */
export function onlyStaffMayCancel(status: PassStatus): boolean {
  return OUT_STATUSES.includes(status);
}

const HOUR_MS = 3600 * 1000;

/** Default window: from 3 hours before the appointment to 3 hours after the visit is expected to end. */
export function defaultWindow(appointmentAt: Date, visitEndsAt: Date): { validFrom: Date; validUntil: Date } {
  return { validFrom: new Date(appointmentAt.getTime() - 3 * HOUR_MS), validUntil: new Date(visitEndsAt.getTime() + 3 * HOUR_MS) };
}
