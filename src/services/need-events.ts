/**
 * Tells the household and its corridor that needs changed status. Called after the change is
 * committed, so nobody is told about a status that was rolled back; a publishing fault is logged
 * by the publisher and clients catch up from the stored events or their slow poll.
 */
import { NEED_KINDS, scope, STOP_FAILURE_REASONS, type LiveEvent } from '../contracts/events';
import type { NeedStatus } from '../domain/need-status';
import type { LivePublisher } from './live.service';

export interface NeedChange {
  needId: string;
  householdId: string;
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

/** Publishes each change; a failure is handed to `onError` (default: ignored), never thrown: the change is committed already. */
export async function publishNeedChanges(publisher: LivePublisher | undefined, changes: readonly NeedChange[], onError: (err: unknown) => void = () => {}): Promise<void> {
  if (!publisher) return;
  for (const c of changes) {
    await publisher.publish([scope.household(c.householdId), scope.corridor(c.corridorId)], needStatusEvent(c)).catch(onError);
  }
}
