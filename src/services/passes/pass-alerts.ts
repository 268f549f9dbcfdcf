/**
 * Live events of passes and emergencies, through the shared live publisher (store, then fan out).
 * Ids and states only: never the reason, the hospital or a drug (src/contracts/events.ts).
 * A failed publish is logged and swallowed: the change is committed, and the alert is also a
 * row staff can list (overdue passes, open emergency cases).
 */
import { scope, type LiveEvent, type Scope } from '../../contracts/events';
import type { Pass } from '../../domain/pass';
import type { PassStatus } from '../../domain/pass-status';
import type { Logger } from '../../shared/logger';
import type { LivePublisher } from '../live-status/live.service';
import type { LiveStream } from '../live-status/live-stream';

type EventPassState = Extract<LiveEvent, { type: 'pass.state' }>['state'];
type AlertKind = Extract<LiveEvent, { type: 'alert.raised' }>['kind'];

const STATE: Record<PassStatus, EventPassState> = {
  applied: 'requested', under_review: 'requested', approved: 'approved', refused: 'rejected', issued: 'issued',
  outbound_done: 'used', at_hospital: 'used', return_done: 'used', returned: 'returned', cancelled: 'revoked',
  expired: 'expired', overdue: 'overdue',
};

/** A stream that reaches nobody: events are still stored, so clients catch up with `resume`. */
export const storeOnlyStream: LiveStream = { broadcast: async () => undefined, disconnect: async () => undefined };

export interface PassAlerts {
  passState(pass: Pick<Pass, 'id' | 'householdId' | 'communityId' | 'status' | 'validUntil'>): Promise<void>;
  alert(kind: AlertKind, subject: { id: string; householdId: string; communityId: string }, at: Date): Promise<void>;
}

export function createPassAlerts(publisher: LivePublisher | undefined, logger: Logger): PassAlerts {
  const publish = async (scopes: Scope[], event: LiveEvent): Promise<void> => {
    if (!publisher) return;
    try {
      await publisher.publish(scopes, event);
    } catch (err) {
      logger.warn({ err, type: event.type }, 'live publish failed');
    }
  };
  return {
    passState: (p) => publish([scope.household(p.householdId), scope.community(p.communityId)], {
      type: 'pass.state', passId: p.id, householdId: p.householdId, state: STATE[p.status], validUntil: p.validUntil?.toISOString() ?? null,
    }),
    // Alerts go to the community's staff and to the dispatch desk.
    alert: (kind, s, at) => publish([scope.community(s.communityId), scope.dispatch], {
      type: 'alert.raised', kind, subjectId: s.id, householdId: s.householdId, communityId: s.communityId, at: at.toISOString(),
    }),
  };
}
