/**
 * The live event of a need's status change: ids, kind, status and a reason code from the closed
 * list, never the need's details or a free-text reason (which may be medical).
 */
import { NEED_KINDS, STOP_FAILURE_REASONS, type LiveEvent } from '../../contracts/events';
import type { NeedStatus } from '../../domain/need-status';

export interface NeedChange {
  needId: string;
  /** Null for a corridor's own need (a waste pickup). */
  householdId: string | null;
  corridorId: string;
  kind: string;
  status: NeedStatus;
  previousStatus: NeedStatus | null;
  /** A reason from the closed list only; anything else is left out of the event. */
  reason?: string | null | undefined;
}

const isKind = (k: string): k is (typeof NEED_KINDS)[number] => (NEED_KINDS as readonly string[]).includes(k);
const isReason = (r: string | null | undefined): r is (typeof STOP_FAILURE_REASONS)[number] => r != null && (STOP_FAILURE_REASONS as readonly string[]).includes(r);

export function needStatusEvent(c: NeedChange): LiveEvent {
  return {
    type: 'need.status_changed', needId: c.needId, householdId: c.householdId, status: c.status, previousStatus: c.previousStatus,
    ...(isKind(c.kind) ? { kind: c.kind } : {}),
    ...(isReason(c.reason) ? { reason: c.reason } : {}),
  };
}
