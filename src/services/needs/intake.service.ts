/**
 * Needs intake: a valid need is accepted at once (submitted > accepted), together with its
 * history, audit row and outbox event, in one transaction. A submission repeating an open need
 * of the same household is merged into it (and says so); a retried request replays its first response.
 */
import { randomUUID } from 'node:crypto';
import type { FoodCyclesResponse, SubmitNeedResponse } from '../../contracts/intake.contract';
import type { Actor } from '../../domain/access';
import { openFoodCycles, type FoodCycle } from '../../domain/food-cycle';
import type { Household } from '../../domain/household';
import type { HouseholdNeed, Need, NeedInput } from '../../domain/need';
import { mergeNeed, prepareNeed, type PreparedNeed } from '../../domain/need-intake';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import { findHousehold, findHouseholdsByIds } from '../../store/grid.repository';
import { applyMerge, findOpenIdenticalForUpdate, insertAcceptedNeeds, type AcceptedNeed } from '../../store/need.repository';

import { guardHousehold } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { runIdempotent, type Idempotency, type WriteResult } from '../shared/idempotency';
import { createCoalescedLoader, type CoalescedLoader } from '../shared/coalesced-loader';
import { createNeedGroupCommit, type NeedGroupCommit } from './need-group-commit';
import { needView } from './need-view';
import type { Db } from '../../store/db';

export interface IntakeDeps {
  db: Db;
  clock: Clock;
  audit: AuditService | undefined;
  /** Food cycle length in days (FOOD_CYCLE_DAYS): which cycles a food_package may name. */
  foodCycleDays: number;
  /** Group commit of concurrent submissions; without it each need is its own statement. */
  groupCommit?: NeedGroupCommit | undefined;
  /** Batched household look-ups for concurrent submissions; without it one query each. */
  households?: CoalescedLoader<string, Household> | undefined;
  /** Told of each need accepted once committed (merged duplicates and replays not): the needs counter. */
  accepted?: ((kind: Need['kind']) => void) | undefined;
}

export interface RequestContext {
  reqId?: string | undefined;
  idempotency?: Idempotency | undefined;
  /** The household's read, started before the caller was authorised (`readHouseholdAhead`). */
  household?: HouseholdReadAhead | undefined;
}

/** A household read started early (`readHouseholdAhead`). */
export interface HouseholdReadAhead {
  householdId: string;
  read: Promise<Household | undefined>;
}

export type SubmitResult = WriteResult<SubmitNeedResponse>;

/** Intake as the API runs it: concurrent submissions share their household look-up and their insert statement. */
export function createIntakeDeps(db: Db, clock: Clock, audit: AuditService | undefined, foodCycleDays: number): IntakeDeps {
  return { db, clock, audit, foodCycleDays, groupCommit: createNeedGroupCommit(db), households: createCoalescedLoader((ids: string[]) => findHouseholdsByIds(db, ids), { phase: 'intake.household' }) };
}

/** Outbox topics of an accepted need (job names of src/contracts/jobs.ts; payload: the need id). */
export function topicsFor(urgency: Need['urgency']): string[] {
  return urgency === 'emergency' ? ['need.accepted', 'need.urgent'] : ['need.accepted'];
}

const readHousehold = (db: Db, id: string, loader?: CoalescedLoader<string, Household>): Promise<Household | undefined> =>
  (loader ? loader.load(id) : findHousehold(db, id));

export async function loadHousehold(db: Db, id: string, loader?: CoalescedLoader<string, Household>): Promise<Household> {
  return found(await readHousehold(db, id, loader));
}

function found(household: Household | undefined): Household {
  if (!household) throw new AppError('not_found', 'household not found');
  return household;
}

/**
 * Starts reading a household before its caller is authorised, so that a submission waits for the
 * session's and the household's batched reads side by side, not one after the other (the district
 * day: three batched steps in turn made the slow single needs, issue #21). Nothing read goes out
 * until `submitNeed` has authorised the caller against it; a read nobody uses is dropped, and its
 * failure with it.
 */
export function readHouseholdAhead(deps: IntakeDeps, householdId: string): HouseholdReadAhead {
  const read = readHousehold(deps.db, householdId, deps.households);
  read.catch(() => undefined);
  return { householdId, read };
}

function newNeed(actor: Actor, household: Household, prepared: PreparedNeed, at: Date): HouseholdNeed {
  return {
    id: randomUUID(),
    householdId: household.id,
    corridorId: household.corridorId,
    communityId: household.communityId,
    kind: prepared.kind,
    details: prepared.details,
    status: 'accepted',
    urgency: prepared.urgency,
    priority: prepared.priority,
    cycle: prepared.cycle,
    failureReason: null,
    createdBy: actor.userId,
    createdAt: at,
    updatedAt: at,
  };
}

function acceptedRow(deps: IntakeDeps, actor: Actor, need: HouseholdNeed, prepared: PreparedNeed, reqId?: string): AcceptedNeed {
  const audit = deps.audit ? { actorRole: actor.role, requestId: reqId ?? null } : null;
  return { ...need, identityKey: prepared.identityKey, at: need.createdAt, topics: topicsFor(need.urgency), audit, requestId: reqId ?? null };
}

/** Inserts the need as accepted (one statement: need, history, outbox, audit); undefined when an identical open need exists. */
async function tryInsert(deps: IntakeDeps, executor: Db, actor: Actor, household: Household, prepared: PreparedNeed, reqId?: string): Promise<Need | undefined> {
  const need = newNeed(actor, household, prepared, deps.clock.now());
  const inserted = await insertAcceptedNeeds(executor, [acceptedRow(deps, actor, need, prepared, reqId)]);
  return inserted.has(need.id) ? need : undefined;
}

/** Accepts a prepared need or merges it into the identical open one, inside `trx`. */
export async function acceptOrMerge(deps: IntakeDeps, trx: Db, actor: Actor, household: Household, prepared: PreparedNeed, reqId?: string): Promise<{ need: Need; merged: boolean }> {
  // The open identical need may close between our failed insert and our lookup: try again then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const need = await tryInsert(deps, trx, actor, household, prepared, reqId);
    if (need) return { need, merged: false };
    const existing = await findOpenIdenticalForUpdate(trx, household.id, prepared.kind, prepared.identityKey);
    if (!existing) continue;
    const m = mergeNeed(existing, prepared);
    const at = deps.clock.now();
    const merged = await applyMerge(trx, existing, { ...m, note: `merged duplicate submission from ${actor.role} ${actor.userId} (${prepared.onDuplicate === 'add' ? 'quantity added' : 'larger quantity kept'})`, actor: actor.userId, at });
    await deps.audit?.record({ actor, action: 'need.merge', subjectType: 'need', subjectId: merged.id, outcome: 'allowed', reqId: reqId ?? null }, trx);
    return { need: merged, merged: true };
  }
  throw new AppError('conflict', 'the household’s needs changed while this one was submitted; retry');
}

const respond = (actor: Actor, r: { need: Need; merged: boolean }): SubmitResult => ({ status: r.merged ? 200 : 201, body: { need: needView(actor, r.need), merged: r.merged } });

export async function submitNeed(deps: IntakeDeps, actor: Actor, householdId: string, input: NeedInput, ctx: RequestContext): Promise<SubmitResult> {
  const ahead = ctx.household?.householdId === householdId ? ctx.household.read : undefined;
  const household = found(await (ahead ?? readHousehold(deps.db, householdId, deps.households)));
  await guardHousehold({ audit: deps.audit, reqId: ctx.reqId }, actor, { householdId, corridorId: household.corridorId, communityId: household.communityId }, 'need.create');
  const now = deps.clock.now();
  const prepared = prepareNeed(input, household, now, openFoodCycles(now, deps.foodCycleDays));
  if (!ctx.idempotency) {
    // The common case: one statement, atomic on its own, shared with concurrent submissions.
    const need = newNeed(actor, household, prepared, deps.clock.now());
    const row = acceptedRow(deps, actor, need, prepared, ctx.reqId);
    const inserted = deps.groupCommit ? await deps.groupCommit.insert(row) : (await insertAcceptedNeeds(deps.db, [row])).has(need.id);
    if (inserted) {
      deps.accepted?.(need.kind);
      return respond(actor, { need, merged: false });
    }
  }
  const result = await runIdempotent(deps.db, actor.userId, ctx.idempotency, async (trx) => respond(actor, await acceptOrMerge(deps, trx, actor, household, prepared, ctx.reqId)), deps.clock.now());
  if (!result.replayed && !result.body.merged) deps.accepted?.(prepared.kind);
  return result;
}

const cycleView = (c: FoodCycle) => ({ id: c.id, start: c.start.toISOString(), end: c.end.toISOString() });

/** The food cycles a food_package may name now (the web app's need form pre-fills the current one). */
export function currentFoodCycles(deps: Pick<IntakeDeps, 'clock' | 'foodCycleDays'>): FoodCyclesResponse {
  const { current, next } = openFoodCycles(deps.clock.now(), deps.foodCycleDays);
  return { days: deps.foodCycleDays, current: cycleView(current), next: cycleView(next) };
}
