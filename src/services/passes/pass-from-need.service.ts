/**
 * A medical_pass need submitted through intake continues as a pass: the applicant or community
 * staff name who travels and to which hospital; reason, appointment and handling come from the
 * need. The need moves accepted > planned in the same transaction, and follows the pass from then
 * on (see pass-legs.ts), so the household's need list shows where the pass stands.
 */
import type { PassFromNeedBody } from '../../contracts/pass.contract';
import type { Actor } from '../../domain/access';
import { detailSchemas } from '../../domain/need';
import { mayActOnPass } from '../../domain/pass';
import { AppError } from '../../shared/errors';
import { findPass, insertPass } from '../../store/pass.repository';
import { findMedicalPassNeed, followPass } from '../../store/pass-need.repository';
import { runIdempotent, type Idempotency, type WriteResult } from '../shared/idempotency';
import { toAuditRow } from '../access/audit.service';
import { requireHospital, type PassDeps } from './pass.service';
import { passView, type PassView } from './pass-view';

export async function passFromNeed(deps: PassDeps, actor: Actor, needId: string, body: PassFromNeedBody, reqId: string | null, idem?: Idempotency): Promise<WriteResult<PassView>> {
  // Not found too for a need of another kind, a corridor's included (a waste pickup takes nobody anywhere).
  const need = await findMedicalPassNeed(deps.db, needId);
  const scope = need && { householdId: need.householdId, corridorId: need.corridorId, communityId: need.communityId, driverIds: [] };
  if (!need || !scope || !(mayActOnPass(actor, 'apply', scope) || mayActOnPass(actor, 'review', scope))) {
    await deps.audit.record({ actor, action: 'pass.from_need', subjectType: 'need', subjectId: needId, outcome: 'denied', reqId });
    throw scope ? new AppError('forbidden', 'not allowed: pass.from_need') : new AppError('not_found', 'medical pass need not found');
  }
  const details = detailSchemas.medical_pass.parse(need.details);
  const appointmentAt = new Date(details.appointmentAt);
  const now = deps.clock.now();
  if (appointmentAt.getTime() <= now.getTime()) {
    throw new AppError('validation', 'invalid date', { errors: [{ path: ['appointmentAt'], message: 'the need’s appointment is in the past' }] });
  }
  await requireHospital(deps.db, body.hospitalId);
  let created: Awaited<ReturnType<typeof insertPass>> | undefined;
  const result = await runIdempotent<{ id: string }>(deps.db, actor.userId, idem, async (trx) => {
    const locked = await findMedicalPassNeed(trx, needId, true);
    if (!locked) throw new AppError('not_found', 'medical pass need not found');
    if (locked.status !== 'accepted') {
      throw new AppError('invalid_transition', `a need that is ${locked.status} cannot become a pass`, { details: { from: locked.status, to: 'planned' } });
    }
    created = await insertPass(trx, {
      householdId: locked.householdId, corridorId: locked.corridorId, communityId: locked.communityId, person: body.person,
      hospitalId: body.hospitalId, reason: details.reason, appointmentAt, visitEndsAt: new Date(appointmentAt.getTime() + body.visitMinutes * 60_000),
      needsEscort: details.needsEscort, needsWheelchair: details.needsWheelchair, needId, createdBy: actor.userId, createdAt: now,
    }, toAuditRow({ actor, action: 'pass.from_need', subjectType: 'pass', outcome: 'allowed', reqId }));
    await followPass(trx, needId, [['accepted', 'planned']], { actor: actor.userId, at: now, note: `continued as pass ${created.id}` });
    return { status: 201, body: { id: created.id } };
  }, deps.clock.now());
  if (!created) return { status: 201, body: passView(actor, (await findPass(deps.db, result.body.id))!, []), replayed: true };
  await deps.alerts.passState(created);
  return { status: 201, body: passView(actor, created, []) };
}
