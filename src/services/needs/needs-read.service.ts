/** Reading needs and changing their status by hand (cancel). Medical reads are audited. */
import type { NeedView } from '../../contracts/intake.contract';
import type { Actor } from '../../domain/access';
import type { Need } from '../../domain/need';
import { assertTransition, isOpen } from '../../domain/need-status';
import { AppError } from '../../shared/errors';
import { findPlacement } from '../../store/round-manifest.repository';

import { findHistories, findNeed, findNeedsOfHousehold, lockNeed, updateStatus } from '../../store/need.repository';
import { guardHousehold, guardNeed } from '../access/access-guard';
import { runIdempotent, type WriteResult } from '../shared/idempotency';
import { loadHousehold, type IntakeDeps, type RequestContext } from './intake.service';
import type { Staged } from '../live-status/live.service';
import { needView, revealsMedical, scopeOf } from './need-view';
import { applyFollowups, assertPassAllowsCancel, lockFollowups } from './need-cancel-followups.service';
import { lockPlacement, withdrawFromRound, type ManifestPublisher } from './need-withdraw.service';
import type { PassAlerts } from '../passes/pass-alerts';

async function auditMedicalReads(deps: IntakeDeps, actor: Actor, needs: Need[], reqId?: string): Promise<void> {
  const medical = needs.filter((n) => revealsMedical(actor, n));
  if (medical.length === 0 || !deps.audit) return;
  await deps.audit.recordMany(
    medical.map((n) => ({ actor, action: 'need.medical.read', subjectType: 'need', subjectId: n.id, outcome: 'allowed' as const, reqId: reqId ?? null })),
  );
}

async function loadNeed(deps: IntakeDeps, actor: Actor, needId: string, action: string, reqId?: string): Promise<Need> {
  const need = await findNeed(deps.db, needId);
  if (!need) throw new AppError('not_found', 'need not found');
  await guardNeed({ audit: deps.audit, reqId }, actor, scopeOf(need), action);
  return need;
}

export async function listHouseholdNeeds(deps: IntakeDeps, actor: Actor, householdId: string, reqId?: string): Promise<NeedView[]> {
  const household = await loadHousehold(deps.db, householdId);
  await guardHousehold({ audit: deps.audit, reqId }, actor, { householdId, corridorId: household.corridorId, communityId: household.communityId }, 'household.needs.read');
  const needs = await findNeedsOfHousehold(deps.db, householdId);
  const histories = await findHistories(deps.db, needs.map((n) => n.id));
  await auditMedicalReads(deps, actor, needs, reqId);
  return needs.map((n) => needView(actor, n, histories.get(n.id) ?? []));
}

export async function getNeed(deps: IntakeDeps, actor: Actor, needId: string, reqId?: string): Promise<NeedView> {
  const need = await loadNeed(deps, actor, needId, 'need.read', reqId);
  const histories = await findHistories(deps.db, [need.id]);
  await auditMedicalReads(deps, actor, [need], reqId);
  return needView(actor, need, histories.get(need.id) ?? []);
}

/**
 * Intake deps plus the live publisher a cancel inside a round reports through, and the pass alerts a
 * pass cancelled with its need reports through (none: nothing is published).
 */
export type CancelDeps = IntakeDeps & { live?: ManifestPublisher | undefined; passAlerts?: Pick<PassAlerts, 'passState'> | undefined };

/**
 * Cancels a need. A need a round carries leaves the round in the same transaction (see
 * need-withdraw.service.ts: released stock before dispatch, 409 once its bags are on the van); a
 * medicine need leaves a purchase order not yet received, a medical_pass need's pass not yet issued
 * is cancelled with it, one already out refuses with 409 (see need-cancel-followups.service.ts).
 */
export async function cancelNeed(deps: CancelDeps, actor: Actor, needId: string, reason: string | undefined, ctx: RequestContext): Promise<WriteResult<{ need: NeedView }>> {
  await loadNeed(deps, actor, needId, 'need.cancel', ctx.reqId);
  let envelopes: Staged[] = [];
  let cancelledPass: Awaited<ReturnType<typeof applyFollowups>>['cancelledPass'];
  const result = await runIdempotent(deps.db, actor.userId, ctx.idempotency, async (trx) => {
    // Lock order as merge and dispatch: the round carrying the need, then the need.
    const placement = await lockPlacement(trx, needId);
    // Then its pass and purchase order, as the pass loop and the procurement receipt lock them before the need.
    const followups = await lockFollowups(trx, needId);
    const need = await lockNeed(trx, needId);
    if (!need) throw new AppError('not_found', 'need not found');
    // Put on a round meanwhile (a merge committed between the two reads): that round is not locked, so
    // retry. A planned need on no round (a medical pass) is cancelled as before.
    if (!placement && need.status !== 'accepted' && (await findPlacement(trx, needId))) {
      throw new AppError('conflict', 'the need was just put on a round; reload it and retry');
    }
    // An open need on a round leaves it first: once its bags are loaded that refuses with its own 409.
    if (placement && isOpen(need.status)) {
      const out = await withdrawFromRound({ db: trx, clock: deps.clock, live: deps.live }, need, placement, actor.userId);
      envelopes = out.envelopes;
    }
    // A pass that is out explains itself (the need is out_for_delivery and could not be cancelled anyway).
    assertPassAllowsCancel(followups);
    assertTransition({ from: need.status, to: 'cancelled' });
    const at = deps.clock.now();
    const updated = await updateStatus(trx, need.id, { from: need.status, to: 'cancelled', note: reason ?? null, actor: actor.userId, at });
    if (!updated) throw new AppError('conflict', 'the need changed meanwhile; reload it and retry');
    ({ cancelledPass } = await applyFollowups(trx, followups, need, { actor, at, audit: deps.audit, reqId: ctx.reqId ?? null }));
    await deps.audit?.record({ actor, action: 'need.cancel', subjectType: 'need', subjectId: need.id, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
    const histories = await findHistories(trx, [need.id]);
    return { status: 200, body: { need: needView(actor, updated, histories.get(need.id) ?? []) } };
  }, deps.clock.now());
  if (envelopes.length && deps.live) await deps.live.release(envelopes);
  if (cancelledPass && deps.passAlerts) await deps.passAlerts.passState(cancelledPass);
  return result;
}
