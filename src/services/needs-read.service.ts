/** Reading needs and changing their status by hand (cancel). Medical reads are audited. */
import type { NeedView } from '../contracts/intake.contract';
import type { Actor } from '../domain/access';
import type { Need } from '../domain/need';
import { assertTransition } from '../domain/need-status';
import { AppError } from '../shared/errors';
import { findHistories, findNeed, findNeedsOfHousehold, updateStatus } from '../store/need.repository';
import { guardHousehold } from './access-guard';
import { runIdempotent, type WriteResult } from './idempotency';
import { loadHousehold, type IntakeDeps, type RequestContext } from './intake.service';
import { needView, revealsMedical, scopeOf } from './need-view';

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
  await guardHousehold({ audit: deps.audit, reqId }, actor, scopeOf(need), action);
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

export async function cancelNeed(deps: IntakeDeps, actor: Actor, needId: string, reason: string | undefined, ctx: RequestContext): Promise<WriteResult<{ need: NeedView }>> {
  const need = await loadNeed(deps, actor, needId, 'need.cancel', ctx.reqId);
  return runIdempotent(deps.db, actor.userId, ctx.idempotency, async (trx) => {
    assertTransition({ from: need.status, to: 'cancelled' });
    const at = deps.clock.now();
    const updated = await updateStatus(trx, need.id, { from: need.status, to: 'cancelled', note: reason ?? null, actor: actor.userId, at });
    if (!updated) throw new AppError('conflict', 'the need changed meanwhile; reload it and retry');
    await deps.audit?.record({ actor, action: 'need.cancel', subjectType: 'need', subjectId: need.id, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
    const histories = await findHistories(trx, [need.id]);
    return { status: 200, body: { need: needView(actor, updated, histories.get(need.id) ?? []) } };
  }, deps.clock.now());
}
