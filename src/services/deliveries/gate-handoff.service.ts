/**
 * The handover at a corridor's gate. The coordinator confirms a stop by typing the code the
 * driver's page shows (6 digits, given at dispatch): the stop is delivered as if the driver had
 * reported it, its needs follow (their live status goes out through the need status relay), the
 * gate, desk and batch are told. A wrong code is refused and counted;
 * after MAX_HANDOFF_ATTEMPTS the stop takes no more codes (the driver reports it instead).
 * A door that could not be served is failed per household with a reason from the closed list.
 */
import { timingSafeEqual } from 'node:crypto';
import { batchId, scope, type LiveEvent, type Scope, type STOP_FAILURE_REASONS } from '../../contracts/events';
import type { Actor } from '../../domain/access';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import { bagCountAtStop, countHandoffAttempt, gateStopForUpdate, needsAtStop, type GateStop } from '../../store/handoff.repository';
import { closeStop } from '../../store/event-tracking.repository';
import { moveNeeds } from '../../store/round.repository';
import { guardCorridor } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import type { LivePublisher, Staged } from '../live-status/live.service';
import { settleRound } from './round-delivery.service';
import { publishNextStopEta } from './household-deliveries.service';

export const MAX_HANDOFF_ATTEMPTS = 5;
export type FailureReason = (typeof STOP_FAILURE_REASONS)[number];

export interface HandoffDeps { db: Db; audit: AuditService | undefined; publisher: LivePublisher | undefined; clock: Clock }

/** The corridor exists and the actor may act at its gate (refusals audited). */
export async function corridorGuard(deps: HandoffDeps, actor: Actor, corridorId: string, action: string, reqId?: string): Promise<void> {
  const area = await findArea(deps.db, corridorId);
  if (!area || area.kind !== 'corridor') throw new AppError('not_found', 'corridor not found');
  await guardCorridor({ audit: deps.audit, reqId }, actor, area.id, area.communityId ?? '', action);
}

const stopMissing = () => new AppError('not_found', 'no stop of a dispatched round at this corridor has this id');

function sameCode(stored: string, given: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A closed stop's event, stored in the transaction that closes the stop: a handover committed is
 * never without its event, whatever happens to this process next. Published after the commit, it
 * was lost when the process died between the two (district day: 7 handovers confirmed again after
 * an API process was killed, answered "delivered", their gates never told).
 */
function storeStopEvent(deps: HandoffDeps, trx: Db, stop: GateStop, corridorId: string, households: readonly string[], event: LiveEvent): Promise<Staged[]> {
  const scopes: Scope[] = [scope.batch(batchId(stop.roundId, stop.tripId)), scope.dispatch, scope.corridor(corridorId), ...households.map((h) => scope.household(h))];
  return deps.publisher?.store(trx, scopes, event) ?? Promise.resolve([]);
}

/**
 * After the commit: the staged event numbered and out to its sockets at once (when it went out only
 * after the round's settling, the dispatch scope's later events went out first and every desk saw a
 * gap to resume: 28,750-29,103 gaps a district day, 2,515 after), then
 * the round and its needs carried over, then the next stop's households hear their ETA.
 */
async function announceClosed(deps: HandoffDeps, stop: GateStop, stopId: string, staged: readonly Staged[]): Promise<void> {
  await deps.publisher?.release(staged);
  await settleRound(deps.db, stop.roundId, stopId);
  await publishNextStopEta(deps, batchId(stop.roundId, stop.tripId));
}

export async function confirmHandoff(deps: HandoffDeps, actor: Actor, corridorId: string, stopId: string, code: string, reqId?: string): Promise<{ status: 'delivered' }> {
  await corridorGuard(deps, actor, corridorId, 'delivery.handoff', reqId);
  // The attempt counter must survive a refusal, so the check commits either way and the error is thrown after.
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const stop = await gateStopForUpdate(trx, corridorId, stopId);
    if (!stop) return { kind: 'missing' as const };
    if (stop.status === 'delivered') return { kind: 'repeat' as const };
    if (stop.status === 'failed') return { kind: 'closed' as const };
    if (stop.handoffCode === null || stop.attempts >= MAX_HANDOFF_ATTEMPTS) return { kind: 'locked' as const };
    if (!sameCode(stop.handoffCode, code)) {
      await countHandoffAttempt(trx, stopId);
      return { kind: 'wrong' as const, left: MAX_HANDOFF_ATTEMPTS - stop.attempts - 1 };
    }
    await closeStop(trx, stop.roundId, stop.tripId, stopId, 'delivered');
    await deps.audit?.record({ actor, action: 'delivery.handoff', subjectType: 'stop', subjectId: stopId, outcome: 'allowed', reqId: reqId ?? null }, trx);
    // A corridor's own need (waste) has no household to tell: the corridor hears it anyway.
    const households = [...new Set((await needsAtStop(trx, stopId)).flatMap((n) => (n.householdId === null ? [] : [n.householdId])))];
    const event: LiveEvent = { type: 'stop.delivered', batchId: batchId(stop.roundId, stop.tripId), stopId, bagIds: [], bagCount: await bagCountAtStop(trx, stopId), at: deps.clock.now().toISOString() };
    return { kind: 'confirmed' as const, stop, envelopes: await storeStopEvent(deps, trx, stop, corridorId, households, event) };
  });
  switch (outcome.kind) {
    case 'missing':
      throw stopMissing();
    case 'repeat':
      return { status: 'delivered' };
    case 'closed':
      throw new AppError('invalid_transition', 'this stop was reported failed');
    case 'locked':
      throw new AppError('rate_limited', 'too many wrong codes for this stop: the driver reports the delivery instead');
    case 'wrong':
      throw new AppError('validation', 'wrong handoff code', { errors: [{ path: ['code'], message: `wrong code (${outcome.left} tries left)` }] });
    case 'confirmed':
      await announceClosed(deps, outcome.stop, stopId, outcome.envelopes);
      return { status: 'delivered' };
  }
}

/**
 * Fails one household's needs at a stop (nobody opened, refused...). When no household of the
 * stop is left to serve, the stop itself is closed as failed so the round can complete.
 */
export async function failHousehold(deps: HandoffDeps, actor: Actor, corridorId: string, stopId: string, householdId: string, reason: FailureReason, reqId?: string): Promise<{ failed: number }> {
  await corridorGuard(deps, actor, corridorId, 'delivery.household_failed', reqId);
  const result = await deps.db.transaction().execute(async (trx) => {
    const stop = await gateStopForUpdate(trx, corridorId, stopId);
    if (!stop) throw stopMissing();
    const needs = await needsAtStop(trx, stopId);
    const mine = needs.filter((n) => n.householdId === householdId);
    if (mine.length === 0) throw new AppError('not_found', 'this household has no bags at this stop');
    const moved = new Set(await moveNeeds(trx, mine.map((n) => n.needId), 'out_for_delivery', 'failed', actor.userId, `stop ${stopId}: ${reason}`, reason));
    const stillOpen = needs.some((n) => n.status === 'out_for_delivery' && !moved.has(n.needId));
    const closed = !stillOpen && (stop.status === 'pending' || stop.status === 'loaded') && (await closeStop(trx, stop.roundId, stop.tripId, stopId, 'failed'));
    await deps.audit?.record({ actor, action: 'delivery.household_failed', subjectType: 'household', subjectId: householdId, outcome: 'allowed', reqId: reqId ?? null }, trx);
    const event: LiveEvent = { type: 'stop.failed', batchId: batchId(stop.roundId, stop.tripId), stopId, reason, bagCount: await bagCountAtStop(trx, stopId), at: deps.clock.now().toISOString() };
    return { stop, failed: mine.filter((n) => moved.has(n.needId)), closed, envelopes: closed ? await storeStopEvent(deps, trx, stop, corridorId, [householdId], event) : [] };
  });
  if (result.closed) await announceClosed(deps, result.stop, stopId, result.envelopes);
  return { failed: result.failed.length };
}
