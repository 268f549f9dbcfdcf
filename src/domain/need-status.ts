/**
 * The life of a need: submitted > accepted > planned > out_for_delivery > delivered,
 * or failed (with a reason) or cancelled on the way. Only the moves listed here are allowed.
 */
import { AppError } from '../shared/errors';

export const NEED_STATUSES = ['submitted', 'accepted', 'planned', 'out_for_delivery', 'delivered', 'failed', 'cancelled'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** Statuses in which a need is still being served: at most one identical need per household may be here. */
export const OPEN_STATUSES: readonly NeedStatus[] = ['submitted', 'accepted', 'planned', 'out_for_delivery'];

/** The failure reason a failed need stored without one is counted and listed under. */
export const NO_FAILURE_REASON = 'unknown';

const NEXT: Record<NeedStatus, readonly NeedStatus[]> = {
  submitted: ['accepted', 'cancelled', 'failed'],
  accepted: ['planned', 'cancelled', 'failed'],
  // A plan can be dropped (vehicle lost, round re-planned): the need goes back to the pool.
  planned: ['out_for_delivery', 'accepted', 'cancelled', 'failed'],
  out_for_delivery: ['delivered', 'failed'],
  delivered: [],
  failed: [],
  cancelled: [],
};

export function isOpen(status: NeedStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function canTransition(from: NeedStatus, to: NeedStatus): boolean {
  return NEXT[from].includes(to);
}

export interface Transition {
  from: NeedStatus;
  to: NeedStatus;
  /** Required when moving to failed. */
  reason?: string | undefined;
}

/** Throws `invalid_transition` for a move the machine does not allow, or `validation` for a failure without a reason. */
export function assertTransition({ from, to, reason }: Transition): void {
  if (!canTransition(from, to)) {
    throw new AppError('invalid_transition', `a need that is ${from} cannot become ${to}`, {
      details: { from, to, allowed: NEXT[from] },
    });
  }
  if (to === 'failed' && !reason?.trim()) {
    throw new AppError('validation', 'a failed need needs a reason', {
      errors: [{ path: ['reason'], message: 'required when the status is failed' }],
    });
  }
}
