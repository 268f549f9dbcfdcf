/**
 * The pass loop's use cases: apply, move along the status machine (review, approve, refuse,
 * issue, trips, hand-back, cancel), read. Each change runs in one transaction with its history
 * row and audit row; an action repeated on a pass already in its target status (a retry after a
 * lost answer, a double tap) answers the pass as it is and writes nothing; refusals of access are
 * audited outside it (they must survive the rollback). Approval plans the outbound and return
 * legs; issue signs the code; the pass's live state is published after commit.
 */
import type { ApplyPassBody, CommunityPassesQuery, PassActionBody } from '../../contracts/pass.contract';
import { canAccessCommunity, mayReadMedicalDetails, type Actor } from '../../domain/access';
import { ACTION_TARGET, onlyStaffMayCancel, defaultWindow, mayActOnPass, type Pass, type PassAction, type PassSubject } from '../../domain/pass';
import { signPassCode, type PassKeys } from '../../domain/pass-code';
import { assertPassTransition, canPassTransition } from '../../domain/pass-status';
import type { Clock } from '../../shared/clock';
import { AppError, notFound } from '../../shared/errors';
import { communityExists } from '../../store/account-scope.repository';
import { findHospital, findPass, householdPlace, insertPass, listCommunityPasses, listHouseholdPasses, movePass, type PassPatch } from '../../store/pass.repository';
import { driversOfPass, type RequestRow } from '../../store/pass-transport.repository';

import { guardDecision } from '../access/access-guard';
import { toAuditRow, type AuditService } from '../access/audit.service';
import { runIdempotentStatement, type Idempotency, type WriteResult } from '../shared/idempotency';
import type { PassAlerts } from './pass-alerts';
import { legEndsOf, legsOf, movesOnlyThePass, movesTransportOf, onPassMoved, recordPassDriver } from './pass-legs';
import { inTransportBatch } from './transport-batch';
import { passView, type PassView } from './pass-view';
import type { Db } from '../../store/db';

/** A request naming a hospital that does not exist is refused naming the field (not a foreign-key 500). */
export function unknownHospital(): AppError {
  return new AppError('validation', 'unknown hospital', { errors: [{ path: ['hospitalId'], message: 'no such hospital' }] });
}

/** A hospital named by a request exists, or the request is refused naming the field. */
export async function requireHospital(db: Db, hospitalId: string): Promise<void> {
  if (!(await findHospital(db, hospitalId))) throw unknownHospital();
}

export interface PassDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  alerts: PassAlerts;
  keys: PassKeys;
}

export type StatusAction = Exclude<PassAction, 'apply' | 'read' | 'verify'>;

async function refuse(deps: PassDeps, actor: Actor, action: string, subjectId: string, code: 'not_found' | 'forbidden', reqId: string | null, detail?: string): Promise<never> {
  await deps.audit.record({ actor, action, subjectType: 'pass', subjectId, outcome: 'denied', reqId });
  throw new AppError(code, code === 'not_found' ? 'pass not found' : (detail ?? `not allowed: ${action}`));
}

/** With an Idempotency-Key a retried application returns the first pass instead of a second one. */
export async function applyForPass(deps: PassDeps, actor: Actor, householdId: string, body: ApplyPassBody, reqId: string | null, idem?: Idempotency): Promise<WriteResult<PassView>> {
  // The household and whether the hospital exists, in one read.
  const household = await householdPlace(deps.db, householdId, body.hospitalId);
  if (!household) await refuse(deps, actor, 'pass.apply', householdId, 'not_found', reqId);
  const h = household!;
  const scope = { householdId, corridorId: h.corridorId, communityId: h.communityId, driverIds: [] };
  if (!mayActOnPass(actor, 'apply', scope)) await refuse(deps, actor, 'pass.apply', householdId, 'forbidden', reqId);
  const now = deps.clock.now();
  const appointmentAt = new Date(body.appointmentAt);
  if (appointmentAt.getTime() <= now.getTime()) {
    throw new AppError('validation', 'invalid date', { errors: [{ path: ['appointmentAt'], message: 'the appointment is in the past' }] });
  }
  if (!h.hospitalKnown) throw unknownHospital();
  let pass: Pass | undefined;
  const result = await runIdempotentStatement<{ id: string }>(deps.db, actor.userId, idem, async (executor) => {
    const created = await insertPass(executor, {
      householdId, corridorId: h.corridorId, communityId: h.communityId, person: body.person, hospitalId: body.hospitalId,
      reason: body.reason, appointmentAt, visitEndsAt: new Date(appointmentAt.getTime() + body.visitMinutes * 60_000),
      needsEscort: body.needsEscort, needsWheelchair: body.needsWheelchair, createdBy: actor.userId, createdAt: now,
    }, toAuditRow({ actor, action: 'pass.apply', subjectType: 'pass', outcome: 'allowed', reqId }));
    pass = created;
    return { status: 201, body: { id: created.id } };
  }, deps.clock.now());
  if (!pass) {
    const first = (await findPass(deps.db, result.body.id))!;
    return { status: 201, body: passView(actor, first, await legsOf(deps.db, first)), replayed: true };
  }
  await deps.alerts.passState(pass);
  return { status: 201, body: passView(actor, pass, []) };
}

/** What a status action writes besides the status: refusal reason, or the signed window on issue. */
function patchFor(deps: PassDeps, pass: Pass, action: StatusAction, body: PassActionBody, now: Date): PassPatch {
  if (action === 'refuse') return { refusalReason: body.reason! };
  if (action !== 'issue') return {};
  const window = defaultWindow(pass.appointmentAt, pass.visitEndsAt);
  const validFrom = body.validFrom ? new Date(body.validFrom) : window.validFrom;
  const validUntil = body.validUntil ? new Date(body.validUntil) : window.validUntil;
  if (validUntil.getTime() <= validFrom.getTime() || validUntil.getTime() <= now.getTime()) {
    throw new AppError('validation', 'invalid validity window', { errors: [{ path: ['validUntil'], message: 'must be after validFrom and in the future' }] });
  }
  const code = signPassCode({ passId: pass.id, householdId: pass.householdId, hospitalId: pass.hospitalId, person: pass.person, validFrom, validUntil }, deps.keys);
  return { validFrom, validUntil, code };
}

export async function actOnPass(deps: PassDeps, actor: Actor, passId: string, action: StatusAction, body: PassActionBody, reqId: string | null): Promise<PassView> {
  const audited = `pass.${action}`;
  const current = await findPass(deps.db, passId);
  if (!current) return refuse(deps, actor, audited, passId, 'not_found', reqId);
  if (!mayActOnPass(actor, action, await subjectOf(deps, actor, current))) return refuse(deps, actor, audited, passId, 'forbidden', reqId);
  const staff = actor.role === 'community_staff';
  if (action === 'cancel' && !staff && onlyStaffMayCancel(current.status)) {
    return refuse(deps, actor, audited, passId, 'forbidden', reqId, 'an issued pass is called in by community staff');
  }
  const to = ACTION_TARGET[action]!;
  const now = deps.clock.now();
  const ends = to === 'approved' ? await legEndsOf(deps.db, current) : undefined;
  let repeated = false;
  /** Moves `pass` as last read; undefined when it is no longer in that status. */
  const moveFrom = async (trx: Db, pass: Pass): Promise<{ pass: Pass; legs: RequestRow[] } | undefined> => {
    // Already there (a retry after a lost answer, a double tap): the pass as it is, nothing written.
    if (pass.status === to) {
      repeated = true;
      return { pass, legs: [] };
    }
    assertPassTransition(pass.status, to, body.reason);
    const next = await movePass(trx, pass, pass.status, to, {
      actor: actor.userId, at: now, note: body.note ?? null, patch: patchFor(deps, pass, action, body, now),
      audit: toAuditRow({ actor, action: audited, subjectType: 'pass', outcome: 'allowed', reqId }),
    });
    return next && { pass: next, legs: await onPassMoved(trx, next, now, ends) };
  };
  /**
   * The move from the status read before, its `where status = from` the check (no read of the pass
   * again in the transaction, a transport batch's included: each of its statements holds the lock
   * other processes wait for, issue #21); only when the pass moved meanwhile (a double tap, another
   * reviewer), or the status read before does not lead to `to`, is it read again, under its row lock,
   * and moved (or refused) from there. A move of the pass alone runs outside a transaction: there the
   * lock lasts only for the read, and the move's `where status = from` decides, as it does anyway.
   */
  const move = async (trx: Db): Promise<{ pass: Pass; legs: RequestRow[] }> => {
    // A transport batch may run this again after a rollback: what was read then does not count.
    repeated = false;
    const asRead = current.status === to || canPassTransition(current.status, to) ? await moveFrom(trx, current) : undefined;
    const moved = asRead ?? (await moveFrom(trx, (await findPass(trx, passId, true))!));
    if (!moved) throw new AppError('conflict', 'the pass changed while this request ran; retry');
    return moved;
  };
  // A move that places, completes or cancels legs waits for the process's transport batch (and the
  // planning lock); a review, an issue or a hand-back after both trips does not.
  const moved = (await movesTransportOf(deps.db, passId, to))
    ? await inTransportBatch(deps.db, {
      now,
      places: to === 'approved',
      apply: async (trx) => {
        const { pass, legs } = await move(trx);
        return { place: legs, finish: (t, placement) => recordPassDriver(t, pass, legs, placement) };
      },
    })
    // One statement (a review, an issue, at the hospital): no transaction to hold a connection open.
    : movesOnlyThePass(current, to) ? (await move(deps.db)).pass
    : await deps.db.transaction().execute(async (trx) => (await move(trx)).pass);
  if (repeated) await auditMedicalRead(deps, actor, moved, reqId);
  else await deps.alerts.passState(moved);
  return passView(actor, moved, await legsOf(deps.db, moved));
}

/**
 * The pass as its access check sees it. Only a driver's rights depend on who drives the pass's trips,
 * so no one else's request reads them (each statement of a pass step counts in a morning's burst of
 * a thousand, issue #21).
 */
async function subjectOf(deps: PassDeps, actor: Actor, pass: Pass): Promise<PassSubject> {
  return { ...pass, driverIds: actor.role === 'driver' ? await driversOfPass(deps.db, pass.id) : [] };
}

/** Reads of the medical reason are recorded, like need details: a read, and an action repeated on a pass already in its target status (answered as a read). */
async function auditMedicalRead(deps: PassDeps, actor: Actor, pass: Pass, reqId: string | null): Promise<void> {
  if (mayReadMedicalDetails(actor, pass)) await deps.audit.record({ actor, action: 'pass.medical.read', subjectType: 'pass', subjectId: pass.id, outcome: 'allowed', reqId });
}

export async function readPass(deps: PassDeps, actor: Actor, passId: string, reqId: string | null): Promise<PassView> {
  const pass = await findPass(deps.db, passId);
  if (!pass) return refuse(deps, actor, 'pass.read', passId, 'not_found', reqId);
  if (!mayActOnPass(actor, 'read', await subjectOf(deps, actor, pass))) return refuse(deps, actor, 'pass.read', passId, 'forbidden', reqId);
  await auditMedicalRead(deps, actor, pass, reqId);
  return passView(actor, pass, await legsOf(deps.db, pass));
}

export async function householdPasses(deps: PassDeps, actor: Actor, householdId: string, reqId: string | null): Promise<PassView[]> {
  const household = await householdPlace(deps.db, householdId);
  if (!household) return refuse(deps, actor, 'pass.list', householdId, 'not_found', reqId);
  const scope = { householdId, corridorId: household.corridorId, communityId: household.communityId, driverIds: [] };
  if (!mayActOnPass(actor, 'read', scope)) return refuse(deps, actor, 'pass.list', householdId, 'forbidden', reqId);
  const passes = await listHouseholdPasses(deps.db, householdId);
  return passes.map((p) => passView(actor, p, []));
}

/**
 * A community's passes for its staff (and admins): the review queue and the passes out in one
 * read, instead of one request per household. The list shows medical reasons to staff, so each
 * read is audited (one row per request, for the community).
 */
export async function communityPasses(deps: PassDeps, actor: Actor, communityId: string, query: CommunityPassesQuery, reqId: string | null): Promise<PassView[]> {
  const allowed = actor.role === 'admin' || (actor.role === 'community_staff' && canAccessCommunity(actor, communityId));
  await guardDecision({ audit: deps.audit, reqId: reqId ?? undefined }, actor, allowed, 'pass.list', 'community', communityId);
  // Checked once the caller may ask: whether a community exists is not told to those who may not.
  if (!(await communityExists(deps.db, communityId))) throw notFound('community');
  const passes = await listCommunityPasses(deps.db, communityId, query.status, query.limit);
  await deps.audit.record({ actor, action: 'pass.community.read', subjectType: 'community', subjectId: communityId, outcome: 'allowed', reqId });
  return passes.map((p) => passView(actor, p, []));
}
