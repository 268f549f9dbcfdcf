/** After the emergency: the trip is reported done, the case is read, and community staff close its review. */
import { canAccessHousehold, type Actor } from '../../domain/access';
import { assertEmergencyTransition, mayCompleteEmergency, mayReviewEmergency, type ReviewOutcome } from '../../domain/emergency';
import { AppError } from '../../shared/errors';
import { casesToReview, closeDoneCase, closeReview, findCase, markNeedDelivered } from '../../store/emergency.repository';
import { toAuditRow } from '../access/audit.service';
import { emergencyView, type EmergencyDeps, type EmergencyView } from './emergency.service';
import { completeLegs } from '../passes/pass-transport.service';
import { inTransportBatch, placesNothing } from '../passes/transport-batch';

type Deps = Pick<EmergencyDeps, 'db' | 'clock' | 'audit'>;

async function deny(deps: Deps, actor: Actor, action: string, id: string, code: 'not_found' | 'forbidden', reqId: string | null): Promise<never> {
  await deps.audit.record({ actor, action, subjectType: 'emergency', subjectId: id, outcome: 'denied', reqId });
  throw new AppError(code, code === 'not_found' ? 'emergency case not found' : `not allowed: ${action}`);
}

export async function readEmergency(deps: Deps, actor: Actor, id: string, reqId: string | null): Promise<EmergencyView> {
  const c = await findCase(deps.db, id);
  if (!c) return deny(deps, actor, 'emergency.read', id, 'not_found', reqId);
  const driver = actor.role === 'driver' && actor.driverId !== undefined && actor.driverId === c.driverId;
  if (!driver && !canAccessHousehold(actor, c)) return deny(deps, actor, 'emergency.read', id, 'forbidden', reqId);
  return emergencyView(c);
}

export async function completeEmergency(deps: Deps, actor: Actor, id: string, reqId: string | null): Promise<EmergencyView> {
  const c = await findCase(deps.db, id);
  if (!c) return deny(deps, actor, 'emergency.done', id, 'not_found', reqId);
  if (!mayCompleteEmergency(actor, c)) return deny(deps, actor, 'emergency.done', id, 'forbidden', reqId);
  const now = deps.clock.now();
  // Its legs close under the transport-planning lock: in the process's transport batch, after the
  // emergencies looking for a car and before the passes (the driver waits for the answer, the car for
  // its release). Side by side with the batch's other dones: one statement each for their cases, legs and needs.
  const done = await inTransportBatch(deps.db, {
    now,
    lane: 'emergency-done',
    apply: async (trx) => {
      const audit = toAuditRow({ actor, action: 'emergency.done', subjectType: 'emergency', outcome: 'allowed', reqId });
      const moved = await closeDoneCase(trx, { id, at: now, audit });
      if (!moved) {
        // The driver's app sends its report again when the answer was lost: the case is done, once.
        const current = (await findCase(trx, id, true))!;
        if (current.status === 'done') return placesNothing(current);
        assertEmergencyTransition(current.status, 'done');
        throw new AppError('conflict', 'the case changed while this request ran; retry');
      }
      await Promise.all([completeLegs(trx, { emergencyId: id }, now), moved.needId ? markNeedDelivered(trx, { needId: moved.needId, at: now }) : undefined]);
      return placesNothing(moved);
    },
  });
  return emergencyView(done);
}

export async function reviewEmergency(deps: Deps, actor: Actor, id: string, outcome: ReviewOutcome, reqId: string | null): Promise<EmergencyView> {
  const c = await findCase(deps.db, id);
  if (!c) return deny(deps, actor, 'emergency.review', id, 'not_found', reqId);
  if (!mayReviewEmergency(actor, c.communityId)) return deny(deps, actor, 'emergency.review', id, 'forbidden', reqId);
  const closed = await deps.db.transaction().execute(async (trx) => {
    const r = await closeReview(trx, id, outcome, actor.userId, deps.clock.now());
    if (!r) throw new AppError('invalid_transition', 'the review of this case is closed already', { details: { from: 'closed', to: 'closed' } });
    await deps.audit.record({ actor, action: 'emergency.review', subjectType: 'emergency', subjectId: id, outcome: 'allowed', reqId }, trx);
    return r;
  });
  return emergencyView(closed);
}

export async function openReviews(deps: Deps, actor: Actor, communityId: string, reqId: string | null): Promise<EmergencyView[]> {
  if (!mayReviewEmergency(actor, communityId) && actor.role !== 'dispatcher') {
    await deps.audit.record({ actor, action: 'emergency.reviews.list', subjectType: 'community', subjectId: communityId, outcome: 'denied', reqId });
    throw new AppError('forbidden', 'not allowed: emergency.reviews.list');
  }
  return (await casesToReview(deps.db, communityId)).map(emergencyView);
}
