/**
 * The emergency channel. A case is accepted at once (no review), committed, and announced to
 * dispatch and the community; then it gets a trip: emergency medicine first tries the round
 * planner's urgent insertion into a live round, otherwise (and for an acute illness, to hospital)
 * the transport planner inserts it into a running passenger trip or gives it a dedicated one. A
 * case that finds no vehicle stays visible as unserved with the reason and is retried by the
 * sweep. Every case waits for a review that community staff close.
 */
import type { EmergencyBody } from '../../contracts/pass.contract';
import type { Actor } from '../../domain/access';
import { mayRaiseEmergency, type EmergencyCase } from '../../domain/emergency';
import { AppError } from '../../shared/errors';
import { timed } from '../../shared/timings';
import { acceptEmergencyMedicineNeed, casesWaiting, findCase, insertCase } from '../../store/emergency.repository';
import { householdPlace, nearestHospital } from '../../store/pass.repository';
import { unknownHospital } from '../passes/pass.service';
import { dispatchCase, type EmergencyDeps } from './emergency-dispatch';
import { runIdempotent, type Idempotency, type WriteResult } from '../shared/idempotency';

export type { EmergencyDeps };

export interface EmergencyView {
  id: string;
  householdId: string;
  communityId: string;
  kind: EmergencyCase['kind'];
  status: EmergencyCase['status'];
  tripRef: string | null;
  driverId: string | null;
  unservedReason: string | null;
  acceptedAt: string;
  tripAssignedAt: string | null;
  doneAt: string | null;
  review: { status: EmergencyCase['reviewStatus']; outcome: EmergencyCase['reviewOutcome']; reviewedAt: string | null };
}

export function emergencyView(c: EmergencyCase): EmergencyView {
  return {
    id: c.id, householdId: c.householdId, communityId: c.communityId, kind: c.kind, status: c.status, tripRef: c.tripRef,
    driverId: c.driverId, unservedReason: c.unservedReason, acceptedAt: c.acceptedAt.toISOString(),
    tripAssignedAt: c.tripAssignedAt?.toISOString() ?? null, doneAt: c.doneAt?.toISOString() ?? null,
    review: { status: c.reviewStatus, outcome: c.reviewOutcome, reviewedAt: c.reviewedAt?.toISOString() ?? null },
  };
}

/**
 * Accepts an emergency and finds it a trip. With an Idempotency-Key a retried request (the
 * network dropped the answer) gets the same case, in its current state, instead of a second one.
 */
export async function raiseEmergency(deps: EmergencyDeps, actor: Actor, householdId: string, body: EmergencyBody, reqId: string | null, idem?: Idempotency): Promise<WriteResult<EmergencyView>> {
  const namedHospital = body.kind === 'acute_illness' ? body.hospitalId : undefined;
  // The household and whether a named hospital exists, in one read.
  const place = await householdPlace(deps.db, householdId, namedHospital);
  const scope = place && { householdId, corridorId: place.corridorId, communityId: place.communityId };
  if (!scope || !mayRaiseEmergency(actor, scope)) {
    await deps.audit.record({ actor, action: 'emergency.raise', subjectType: 'household', subjectId: householdId, outcome: 'denied', reqId });
    throw scope ? new AppError('forbidden', 'not allowed: emergency.raise') : new AppError('not_found', 'household not found');
  }
  if (namedHospital !== undefined && !place!.hospitalKnown) throw unknownHospital();
  const hospitalId = body.kind === 'acute_illness' ? (body.hospitalId ?? (await nearestHospital(deps.db, place!))?.id ?? null) : null;
  const now = deps.clock.now();
  let accepted: EmergencyCase | undefined;
  const result = await timed('emergency.accept', () => runIdempotent<{ id: string }>(deps.db, actor.userId, idem, async (trx) => {
    const needId = body.kind === 'emergency_medicine'
      ? await acceptEmergencyMedicineNeed(trx, scope, { drug: body.drug, strength: body.strength, quantity: body.quantity }, actor.userId, now)
      : null;
    const c = await insertCase(trx, { ...scope, kind: body.kind, needId, hospitalId, createdBy: actor.userId, acceptedAt: now });
    await deps.audit.record({ actor, action: 'emergency.raise', subjectType: 'emergency', subjectId: c.id, outcome: 'allowed', reqId }, trx);
    accepted = c;
    return { status: 201, body: { id: c.id } };
  }, deps.clock.now()));
  if (!accepted) return { status: 201, body: emergencyView((await findCase(deps.db, result.body.id))!), replayed: true };
  const raised = accepted;
  await timed('emergency.alert', () => deps.alerts.alert('emergency_accepted', raised, now));
  return { status: 201, body: emergencyView(await dispatchCase(deps, raised)) };
}

/** Retries cases still without a trip (after a crash between accept and dispatch, or no vehicle). */
export async function retryWaitingEmergencies(deps: EmergencyDeps): Promise<number> {
  let assigned = 0;
  const settled = new Date(deps.clock.now().getTime() - 30_000);
  for (const c of await casesWaiting(deps.db, settled)) if ((await dispatchCase(deps, c)).status === 'trip_assigned') assigned++;
  return assigned;
}
