/**
 * The gate's per-door check-off (issue #17, item 6): the unit chief ticks each household of a stop
 * as handed over, or failed with a reason (its needs then fail, as a failed door always did). The
 * chief's phone queues ticks while offline and sends them on reconnect, so the same tick again is
 * answered from what is stored and changes nothing; a door already failed cannot be handed over
 * afterwards (its needs are failed), and a stop already handed over takes no failed door.
 */
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { FailureReason } from './gate-handoff.service';
import { corridorGuard, failHousehold, type HandoffDeps } from './gate-handoff.service';
import { findCheckOff, saveCheckOff, checkOffsOfStops, type CheckOff, type CheckOffOutcome } from '../../store/gate-checkoff.repository';
import { gateStopForUpdate, needsAtStop } from '../../store/handoff.repository';

export interface CheckOffInput { outcome: CheckOffOutcome; reason?: FailureReason | undefined; checkedAt: string }
export interface CheckOffView { householdId: string; outcome: CheckOffOutcome; reason: string | null; checkedAt: string; recordedAt: string }

/** A phone's clock may run ahead a little; a tick from further in the future is refused. */
const MAX_CLOCK_AHEAD_MS = 10 * 60_000;

export const checkOffView = (c: CheckOff): CheckOffView => ({
  householdId: c.householdId, outcome: c.outcome, reason: c.reason, checkedAt: c.checkedAt.toISOString(), recordedAt: c.recordedAt.toISOString(),
});

const sameTick = (c: CheckOff, input: CheckOffInput): boolean => c.outcome === input.outcome && (c.reason ?? undefined) === (input.reason ?? undefined);

export async function checkOffDoor(deps: HandoffDeps, actor: Actor, corridorId: string, stopId: string, householdId: string, input: CheckOffInput, reqId?: string): Promise<{ checkOff: CheckOffView; replayed: boolean }> {
  const action = 'delivery.door_checked';
  await corridorGuard(deps, actor, corridorId, action, reqId);
  if ((input.outcome === 'failed') !== (input.reason !== undefined)) {
    throw new AppError('validation', 'invalid body: reason', { errors: [{ path: ['reason'], message: input.outcome === 'failed' ? 'required when the door failed' : 'only for a failed door', in: 'body' }] });
  }
  const checkedAt = new Date(input.checkedAt);
  if (checkedAt.getTime() > deps.clock.now().getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new AppError('validation', 'invalid body: checkedAt', { errors: [{ path: ['checkedAt'], message: 'in the future', in: 'body' }] });
  }
  const audited = () => deps.audit?.record({ actor, action, subjectType: 'household', subjectId: householdId, outcome: 'allowed', reqId: reqId ?? null });
  const existing = await findCheckOff(deps.db, stopId, householdId);
  if (existing && sameTick(existing, input)) {
    // Who sent it stays on record, even when it changes nothing.
    await audited();
    return { checkOff: checkOffView(existing), replayed: true };
  }
  if (existing?.outcome === 'failed') throw new AppError('invalid_transition', 'this door was reported failed: its needs are failed and cannot be handed over');

  const stop = await deps.db.transaction().execute(async (trx) => {
    const s = await gateStopForUpdate(trx, corridorId, stopId);
    if (!s) throw new AppError('not_found', 'no stop of a dispatched round at this corridor has this id');
    if (!(await needsAtStop(trx, stopId)).some((n) => n.householdId === householdId)) throw new AppError('not_found', 'this household has no bags at this stop');
    return s;
  });
  if (input.outcome === 'failed') {
    if (stop.status === 'delivered') throw new AppError('invalid_transition', 'this stop was handed over: its doors are delivered');
    // Fails the household's needs (audited, published, closes the stop when no door is left).
    await failHousehold(deps, actor, corridorId, stopId, householdId, input.reason!, reqId);
  } else {
    if (stop.status === 'failed') throw new AppError('invalid_transition', 'this stop was reported failed');
  }
  await audited();
  const saved = await saveCheckOff(deps.db, { stopId, householdId, outcome: input.outcome, reason: input.reason ?? null, checkedAt, actorId: actor.userId });
  return { checkOff: checkOffView(saved), replayed: false };
}

/** What the chief checked at a stop when the handoff is confirmed: households handed over, failed, not ticked. */
export async function checkedAtStop(deps: Pick<HandoffDeps, 'db'>, stopId: string): Promise<{ handedOver: number; failed: number; unchecked: number }> {
  const households = new Set((await needsAtStop(deps.db, stopId)).map((n) => n.householdId));
  const ticks = (await checkOffsOfStops(deps.db, [stopId])).filter((c) => households.has(c.householdId));
  const handedOver = ticks.filter((c) => c.outcome === 'handed_over').length;
  const failed = ticks.filter((c) => c.outcome === 'failed').length;
  return { handedOver, failed, unchecked: households.size - handedOver - failed };
}
