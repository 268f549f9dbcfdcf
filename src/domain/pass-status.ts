/**
 * The life of a medical pass, a closed loop: applied > under_review > approved (or refused with a
 * reason) > issued > outbound_done > at_hospital > return_done > returned. Off the main path:
 * cancelled, expired (the window passed before the pass went out) and overdue (out, and not back
 * by the end of its validity window). Only the moves listed here are allowed.
 */
import { AppError } from '../shared/errors';

export const PASS_STATUSES = [
  'applied', 'under_review', 'approved', 'refused', 'issued', 'outbound_done', 'at_hospital',
  'return_done', 'returned', 'expired', 'cancelled', 'overdue',
] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

const NEXT: Record<PassStatus, readonly PassStatus[]> = {
  applied: ['under_review', 'cancelled', 'expired'],
  under_review: ['approved', 'refused', 'cancelled', 'expired'],
  approved: ['issued', 'cancelled', 'expired'],
  // Once issued the pass is out: it can only come back (returned), be called in (cancelled) or go overdue.
  issued: ['outbound_done', 'returned', 'cancelled', 'overdue'],
  outbound_done: ['at_hospital', 'overdue'],
  at_hospital: ['return_done', 'overdue'],
  return_done: ['returned', 'overdue'],
  // A late resident still closes the loop: the return trip and the hand-back are recorded as usual.
  overdue: ['return_done', 'returned'],
  refused: [],
  returned: [],
  expired: [],
  cancelled: [],
};

/** Statuses in which the pass is out in the world (someone could be holding it at a checkpoint). */
export const OUT_STATUSES: readonly PassStatus[] = ['issued', 'outbound_done', 'at_hospital', 'return_done', 'overdue'];
/** Statuses in which a pass code verifies online (current state, on top of the signature). */
export const VERIFYING_STATUSES: readonly PassStatus[] = ['issued', 'outbound_done', 'at_hospital', 'return_done'];
/** Statuses swept to overdue when the validity window has ended. */
export const OVERDUE_FROM: readonly PassStatus[] = ['issued', 'outbound_done', 'at_hospital', 'return_done'];
/** Statuses swept to expired when the appointment (or window) passed before the pass went out. */
export const EXPIRE_FROM: readonly PassStatus[] = ['applied', 'under_review', 'approved'];

export function isClosed(status: PassStatus): boolean {
  return NEXT[status].length === 0;
}

export function allowedNext(from: PassStatus): readonly PassStatus[] {
  return NEXT[from];
}

export function canPassTransition(from: PassStatus, to: PassStatus): boolean {
  return NEXT[from].includes(to);
}

/** Throws `invalid_transition` (409) naming from and to, or `validation` for a refusal without a reason. */
export function assertPassTransition(from: PassStatus, to: PassStatus, reason?: string): void {
  if (!canPassTransition(from, to)) {
    throw new AppError('invalid_transition', `a pass that is ${from} cannot become ${to}`, {
      details: { from, to, allowed: NEXT[from] },
    });
  }
  if (to === 'refused' && !reason?.trim()) {
    throw new AppError('validation', 'a refusal needs a reason', {
      errors: [{ path: ['reason'], message: 'required when refusing a pass' }],
    });
  }
}
