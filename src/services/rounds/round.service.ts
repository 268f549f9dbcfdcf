/**
 * The round use cases: start (claim the area's accepted needs, cut them into sub-problems, queue a
 * flow), merge (repair across sub-problem borders, validate, store the proposal once), approve,
 * dispatch, fail. The database is the truth; the queue is a way to get work done, re-fillable from
 * the database at any time (see reconcile).
 */
import { invalidRoundTransition, NEED_KINDS_OF_ROUND, ROUND_KIND_SPECS, vehicleFitsRound } from '../../domain/round';
import { systemClock, type Clock } from '../../shared/clock';
import { AppError, isAppError, notFound } from '../../shared/errors';
import type { Db } from '../../store/db';
import type { Producers } from '../../queue/producers';
import { jobId } from '../../contracts/jobs';
import { findArea } from '../../store/grid.repository';
import {
  claimableDemandOfDistrict, createOrGetOpenRound, unentitledHouseholdsOfDistrict, getRoundHead, insertSubproblems, listSubproblems, subproblemStates, lockClaimableNeeds, lockRound, lockRoundPreparation, lockRoundRowUnlessBusy, moveNeeds, moveRound, setRoundMergeNote, setRoundPlanning, setRoundStatus,
  type ClaimableNeed, type RoundKind, type RoundHead, type RoundStatus,
} from '../../store/round.repository';
import { assignHandoffCodes } from '../../store/handoff.repository';
import { loadPendingStops, planNeedIds, readPlan, storePlanOnce, type PlanTrip, type PlanUnserved } from '../../store/round-plan.repository';
import { collectionDraft, decomposeRound, type CountedDemand } from '../../planning/adapters/round-decompose';
import { collectionOf } from './round-collection';
import { openDueWasteRequests } from '../../store/waste-schedule.repository';
import { NEED_KIND_SPECS } from '../../domain/need-kinds';
import type { NeedItems } from '../../domain/round-plan';
import { freeVehicleIds, loadGenerationNeeds, loadNeedsById, loadVehicles, type NeedInRound, type VehicleInRound } from '../../store/round-inputs.repository';
import { awaitingDisinfection } from './round-fleet';
import { mergeRoundPieces, type MergeDecision, type StoredPiece } from '../../planning/adapters/round-merge';
import type { StoredPool } from '../../planning/adapters/round-pool';
import { loadHighs } from '../../planning/lp/highs.adapter';
import type { LpSolver } from '../../planning/lp/lp.model';
import { buildProblem, waitsOnTrip, type BuiltProblem, type VehicleForPlan } from '../../planning/adapters/round-problem';
import { withDrivers } from '../../planning/adapters/plan-drivers';
import type { DriverLimits } from '../../domain/shifts';
import { planRoster, roundRoster, takeRoundRoster, withHours } from './round-roster';
import { reservePlanWithinStock, withMedicineBagIds } from './round-stock.service';
import { assertPlanKeepsRules } from './plan-check.service';
import { allocateHere, allocateRoundStock, type RoundAllocator } from './round-allocation.service';
import { clearHolds } from '../../store/round-allocation.repository';
import { deductForRound, releaseForRound } from '../stock/stock-round.service';
import { markBulkLane } from '../../store/need-status-live.repository';
import { stepTimer, untimed, type Steps } from '../../shared/steps';

export interface RoundDeps {
  db: Db;
  producers: Pick<Producers, 'ready' | 'addRoundFlow'>;
  /** Solve budget per sub-problem when the request names none. */
  defaultTimeLimitMs: number;
  /** Driver limits a new round is planned with (DRIVER_* settings). Default: the documented defaults. */
  driverLimits?: DriverLimits;
  /**
   * Given (the API, the workers' scheduler): a new round is prepared by a worker, as a `round.prepare`
   * job on this queue. For a district that is minutes of claiming, allocating and cutting, which held
   * the API process answering the request, and every request and socket it serves, for as long; in a
   * scheduler's job, its event loop (issue #21). Not given (tests, benches): prepared here.
   */
  prepareIn?: Pick<Producers, 'add'>;
}

/** How a round is prepared: each step's time told to `steps`; the allocation run by `allocate` (default: here). */
export interface PrepareOptions {
  steps?: Steps;
  allocate?: RoundAllocator;
}

export interface StartRoundInput {
  areaId: string;
  kind: RoundKind;
  actor: string;
  timeLimitMs?: number;
  seed?: number;
  /** The request starting it (X-Request-Id), passed on in the flow's jobs for the logs. */
  requestId?: string | undefined;
}

/**
 * Starts (or returns) the open round of an area. Safe to call any number of times at once:
 * the database admits one open round per area and kind, and the flow's job ids are fixed.
 */
export async function startRound(deps: RoundDeps, input: StartRoundInput): Promise<{ round: RoundHead; created: boolean }> {
  // Refuse before writing anything while the queue is down: the caller retries later.
  if (!deps.producers.ready()) throw new AppError('unavailable', 'the planning queue is unavailable; retry shortly');
  const rdb = deps.db;
  const area = await findArea(rdb, input.areaId);
  if (!area) throw notFound('area');
  const { round, created } = await createOrGetOpenRound(rdb, {
    areaId: input.areaId, kind: input.kind, timeLimitMs: input.timeLimitMs ?? deps.defaultTimeLimitMs,
    seed: input.seed ?? 1, createdBy: input.actor,
  });
  if (round.status === 'draft' && deps.prepareIn) {
    await deps.prepareIn.add('round.prepare', { roundId: round.id, ...(input.requestId ? { requestId: input.requestId } : {}) }, { id: jobId('round.prepare', round.id) });
    return { round, created };
  }
  return { round: await prepareAndQueue(deps, round.id, input.requestId), created };
}

/** Prepares a draft round (see prepareRound) and queues its flow once it is planning; the round as it then is. */
export async function prepareAndQueue(deps: Pick<RoundDeps, 'db' | 'producers' | 'driverLimits'>, roundId: string, requestId?: string, options: PrepareOptions = {}): Promise<RoundHead> {
  const round = await getRoundHead(deps.db, roundId);
  if (!round) throw notFound('round');
  if (round.status === 'draft') await prepareRound(deps.db, roundId, deps.driverLimits, options);
  const current = (await getRoundHead(deps.db, roundId))!;
  if (current.status === 'planning') await enqueueRound(deps, roundId, requestId);
  return current;
}

/** draft > planning: takes the roster of the round's day, claims the needs and writes the sub-problems, in one transaction. */
export async function prepareRound(db: Db, roundId: string, driverLimits?: DriverLimits, options: PrepareOptions = {}): Promise<void> {
  const steps = options.steps ?? untimed;
  await db.transaction().execute(async (trx) => {
    const round = await lockRoundRowUnlessBusy(trx, roundId);
    if (!round || round.status !== 'draft') return; // someone else prepares or prepared it
    // Rounds are prepared one at a time: two rounds prepared at once would otherwise both see the same vehicles free.
    await lockRoundPreparation(trx);
    steps.step('lock');
    await takeRoundRoster(trx, roundId, driverLimits);
    steps.step('roster');
    // A collection round first opens what its corridors' schedules make due (recurring waste pickups),
    // one per corridor at most, thousands in a district: the bulk lane of the live relay.
    if (ROUND_KIND_SPECS[round.kind].collects) {
      await markBulkLane(trx);
      await openDueWasteRequests(trx, round.area_id, round.created_by, NEED_KIND_SPECS.waste_pickup.priority('routine'));
    }
    const needs = await lockClaimableNeeds(trx, round.area_id, round.kind);
    steps.step('claim');
    await decomposeInto(trx, roundId, needs, 1, options);
    await setRoundPlanning(trx, roundId);
  });
  steps.step('commit');
}

/**
 * Cuts `needs` into sub-problems of plan generation `generation` with the engine's decomposition
 * (per community, big ones in slices), each with its share of the round's part of the free fleet.
 */
export async function decomposeInto(trx: Db, roundId: string, needs: ClaimableNeed[], generation: number, options: PrepareOptions = {}): Promise<void> {
  const steps = options.steps ?? untimed;
  // A vehicle already promised to another round (being planned, or planned and not yet back) is not free.
  const { kind } = (await getRoundHead(trx, roundId))!;
  const spec = ROUND_KIND_SPECS[kind];
  const vehicles = await roundFleet(trx, roundId, kind);
  steps.step('fleet');
  // What routing reads of the needs, and what waits beside them, depend on the claim alone: they are
  // read while the allocation's LP solves (on the workers' round thread: at full scale 20-25 s under
  // the day's load, issue #21). Queued once the solve starts, so the allocation's own reads go first
  // (a transaction's statements go out one at a time); a claimed need the allocation leaves unserved
  // is read and dropped.
  let reads: Promise<[NeedInRound[], CountedDemand[]]> | undefined;
  const startReads = () => {
    reads ??= Promise.all([loadNeedsById(trx, needs.map((n) => n.id)), spec.collects ? [] : waitingBeside(trx, roundId, needs)]);
    // Awaited below; if the allocation fails first, the transaction's failure is what the caller sees.
    reads.catch(() => undefined);
  };
  const allocate: RoundAllocator = (input, timeLimitMs) => {
    startReads();
    return (options.allocate ?? allocateHere)(input, timeLimitMs);
  };
  // Stock first: only what the depots these vehicles load at can cover is routed (round-allocation.service).
  // A round that carries nothing (waste collection) takes no stock.
  const { served, items } = spec.usesStock
    ? await allocateRoundStock(trx, roundId, needs, [...new Set(vehicles.map((v) => v.depotId))], allocate, steps)
    : { served: needs.map((n) => n.id), items: new Map<string, NeedItems>() };
  steps.step('allocate');
  startReads();
  const [claimed, waiting] = await reads!;
  const routed = new Set(served);
  const toRoute = claimed.filter((n) => routed.has(n.id));
  steps.step('decompose.reads');
  const idPrefix = generation === 1 ? 'sp' : `g${generation}sp`;
  const drafts = spec.collects ? collectionDraft(toRoute, vehicles, { idPrefix }) : decomposeRound(toRoute, vehicles, { idPrefix, waiting });
  steps.step('decompose');
  // Linked with what the allocation gave each (needs it left unserved are linked by the allocation).
  await insertSubproblems(trx, roundId, drafts, generation, items);
  steps.step('insert');
}

/**
 * What the district's rounds still to be prepared will ask vehicles for (every kind drawing on the
 * same vans, not this round's own): the needs no round has claimed, and, for food, a package for
 * each household the schedule has not yet given this cycle's entitlement. A round takes only its
 * share of the free fleet when that cannot cover them all (issue #21).
 */
export async function waitingBeside(trx: Db, roundId: string, own: readonly ClaimableNeed[]): Promise<CountedDemand[]> {
  const round = (await getRoundHead(trx, roundId))!;
  const mine = own.map((n) => n.id);
  const claimable = await claimableDemandOfDistrict(trx, round.area_id, round.kind, mine);
  if (!NEED_KINDS_OF_ROUND[round.kind].includes('food_package')) return claimable;
  const unentitled = await unentitledHouseholdsOfDistrict(trx, round.area_id, mine);
  return [...claimable, ...unentitled.map(({ members, count }) => ({ kind: 'food_package' as const, members, quantity: null, count }))];
}

/**
 * The free vehicles a round of `kind` may use: skills that fit it, for food and medicine none whose
 * last waste trip still waits for its disinfection record (issue #18, item 2), and only those a
 * driver on the round's roster may drive (issue #18, item 3), with their hours from it.
 */
export async function roundFleet(trx: Db, roundId: string, kind: RoundKind): Promise<VehicleInRound[]> {
  const fitting = (await loadVehicles(trx, await freeVehicleIds(trx, roundId))).filter((v) => vehicleFitsRound(kind, v.skills));
  const waiting = await awaitingDisinfection(trx, kind, fitting.map((v) => v.id));
  return withHours(fitting.filter((v) => !waiting.has(v.id)), await roundRoster(trx, roundId)).filter((v) => v.hours);
}

/** Puts a planning round's flow on the queue; a no-op while its jobs are still there. */
export async function enqueueRound(deps: { db: Db; producers: Pick<Producers, 'addRoundFlow'> }, roundId: string, requestId?: string): Promise<void> {
  const subs = await subproblemStates(deps.db, roundId);
  const round = await getRoundHead(deps.db, roundId);
  // Solved sub-problems need no child: their result is already stored.
  await deps.producers.addRoundFlow(roundId, subs.unsolvedIds, round?.generation ?? 1, requestId);
}

export type MergeOutcome = 'stored' | 'already-stored' | 'round-not-planning' | 'failed-validation';

/**
 * Body of the `round.merge` job: maps the sub-problem results back onto the district, repairs the
 * borders with the engine (`mergeAndRepair`) and stores the proposal once, with its stock reserved in
 * the same commit (stops the depots cannot cover are left unserved, see round-stock.service). A
 * repaired plan that fails validation is not trusted: the plain merge is stored if it validates;
 * if not even that does, the round fails (its needs go back to the pool). `clock` stamps the stock ledger.
 */
export async function mergeRound(db: Db, roundId: string, clock: Clock = systemClock, log: MergeLog = silent, options: MergeOptions = {}): Promise<MergeOutcome> {
  const rdb = db;
  const round = await getRoundHead(rdb, roundId);
  if (!round) throw new AppError('not_found', `round ${roundId} does not exist`);
  if (round.status !== 'planning') return round.status === 'failed' || round.status === 'draft' ? 'round-not-planning' : 'already-stored';
  // Where a district's merge spends its time, in its log line: each step's milliseconds.
  const { ms, step } = stepTimer();
  // The district as it was decomposed: the generation's needs and every vehicle of its sub-problems.
  // Read side by side (the pool's connections, no transaction yet): at full scale the needs alone are
  // 110,000 rows, seconds under a district day's load.
  const [subs, roster, generationNeeds, collection] = await Promise.all([
    listSubproblems(rdb, roundId), roundRoster(db, roundId), loadGenerationNeeds(db, roundId), collectionOf(db, round.kind),
  ]);
  const missing = subs.filter((s) => !s.solved_at).map((s) => s.id);
  // Possible after Redis lost the children: the reconciler re-queues them, this job retries.
  if (missing.length) throw new Error(`sub-problems not solved yet: ${missing.join(', ')}`);
  const vehicles = withHours(await loadVehicles(db, [...new Set(subs.flatMap((s) => s.vehicle_ids))].sort()), roster);
  const built = buildProblem(generationNeeds, vehicles, collection);
  const pieces = subs.map((s) => {
    const result = s.result as { trips: PlanTrip[]; unserved: PlanUnserved[]; pool?: StoredPool };
    return { subproblemId: s.id, vehicleIds: s.vehicle_ids, trips: result.trips, unserved: result.unserved, ...(result.pool ? { pool: result.pool } : {}) };
  });
  step('load');
  const sp = options.setPartitioning;
  // Its share of the round's search time, at most the configured bound (it runs on this event loop).
  const spMs = sp ? Math.min(sp.maxMs, 0.1 * round.time_limit_ms * subs.length) : 0;
  const decision = options.merge
    ? await options.merge(built, vehicles, pieces, sp && spMs > 0 ? { timeLimitMs: spMs } : undefined)
    : mergeRoundPieces(built, vehicles, pieces, sp && spMs > 0 ? {
      setPartitioning: { solver: await (sp.solver ?? loadHighs)(), timeLimitMs: spMs, now: sp.now ?? (() => performance.now()) },
    } : {});
  step('merge');
  if (decision.kind === 'invalid') {
    log.error({ violations: decision.why }, 'merged plan fails validation, even unrepaired: round failed');
    await failRound(db, roundId, 'the merged plan failed validation', clock);
    return 'failed-validation';
  }
  if (decision.kind === 'plain') log.warn({ violations: decision.why }, 'border-repaired plan failed validation: storing the plain merge');
  else log.info({ ...decision.repair, mergedCost: decision.mergedCost, cost: decision.cost }, 'borders repaired');
  const note = decision.setPartitioning;
  if (note.status !== 'off') log.info({ ...note }, `set partitioning at the merge: ${note.status}`);
  // Who drives each trip is part of the plan (issue #18, item 3): a trip nobody on shift can take leaves its needs unserved (no-driver).
  const driven = withDrivers(decision.plan, vehicles, planRoster(roster), ROUND_KIND_SPECS[round.kind].collects, (t) => waitsOnTrip(built, t, decision.plan.trips), (await readPlan(rdb, roundId)).trips);
  // Packed medicine travels under the label of its bag, the id the driver reads at the door.
  const labelled = await withMedicineBagIds(rdb, roundId, driven);
  step('drivers');
  let stored: boolean;
  try {
    stored = await storePlanOnce(db, roundId, labelled, 'planner', async (trx) => {
      step('store');
      await setRoundMergeNote(trx, roundId, note);
      await reservePlanWithinStock(trx, clock, roundId, 'planner');
      step('reserve');
      // The plan as stored (kept locked stops, stops the stock dropped) keeps every rule, or nothing is stored.
      await assertPlanKeepsRules(trx, roundId, 'storing the merged plan');
      step('check');
    });
    step('commit');
  } catch (err) {
    if (!isAppError(err) || err.code !== 'plan_rule_broken') throw err;
    log.error({ rule: err.details?.rule }, 'stored plan would break a rule: round failed');
    await failRound(db, roundId, `the merged plan breaks the rule ${String(err.details?.rule)}`, clock);
    return 'failed-validation';
  }
  log.info({ ms, stored }, 'merge steps');
  if (stored) options.onStored?.({ subproblems: subs.length, unserved: labelled.unserved, cost: note.cost });
  return stored ? 'stored' : 'already-stored';
}

export interface MergeOptions {
  /**
   * Set partitioning over the sub-problems' route pools at the merge (MERGE_SET_PARTITIONING), for at
   * most `maxMs` (MERGE_SP_TIME_LIMIT_MS) and a tenth of the round's search time. Off when not given.
   */
  setPartitioning?: { maxMs: number; solver?: () => Promise<LpSolver>; now?: () => number };
  /**
   * Runs the pure merge (border repair, set partitioning, validation) somewhere else: the workers use
   * the round thread (workers/solve-thread.ts, workers/runtime.ts), so their event loop keeps renewing the job's lock
   * through a district's merge. Default: here, synchronously.
   */
  merge?: (built: BuiltProblem, vehicles: readonly VehicleForPlan[], pieces: readonly StoredPiece[], setPartitioning?: { timeLimitMs: number }) => Promise<MergeDecision>;
  /** Told of a proposal once stored (the round metrics): its sub-problems, the needs it leaves unserved, its cost. */
  onStored?: (plan: { subproblems: number; unserved: PlanUnserved[]; cost: number }) => void;
}

/** Where the merge reports how it went: a job's child logger, whose lines already name the round (workers/job-log.ts); ids and counts only. */
export interface MergeLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}
const silent: MergeLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Marks a round failed (a child or the merge gave up); its needs go back to the pool, its stock to the depots. */
export async function failRound(db: Db, roundId: string, reason: string, clock: Clock = systemClock): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await moveRound(trx, roundId, ['draft', 'planning'], 'failed', { failureReason: reason.slice(0, 500) }))) return false;
    // Its needs go back to the pool at once: the bulk lane of the live relay.
    await markBulkLane(trx);
    await clearHolds(trx, roundId);
    // Stops a dispatcher locked before a re-plan hold planned needs: they go back to the pool too.
    await moveNeeds(trx, await planNeedIds(trx, roundId), 'planned', 'accepted', 'planner', `round ${roundId} failed`);
    // Those locked stops also hold their reservations.
    await releaseForRound({ db: trx, clock }, roundId, 'planner', 'round failed');
    return true;
  });
}

export async function approveRound(db: Db, roundId: string, actor: string): Promise<RoundHead> {
  await transition(db, roundId, 'proposed', 'approved', { approvedBy: actor });
  return (await getRoundHead(db, roundId))!;
}

/**
 * approved > dispatched: the bags are loaded (each trip's stock leaves its depot); the round's needs
 * are out for delivery. `alongside`: writes that belong with the dispatch (its live events,
 * round-dispatched.ts), in its transaction.
 */
export async function dispatchRound(db: Db, roundId: string, actor: string, clock: Clock = systemClock, alongside?: (trx: Db) => Promise<void>): Promise<RoundHead> {
  await db.transaction().execute(async (trx) => {
    const status = await lockRound(trx, roundId);
    if (!status) throw notFound('round');
    if (status !== 'approved') throw invalidRoundTransition(status, 'dispatched');
    // Every need of the round goes out for delivery at once: the bulk lane of the live relay.
    await markBulkLane(trx);
    await moveNeeds(trx, await planNeedIds(trx, roundId), 'planned', 'out_for_delivery', actor, `round ${roundId} dispatched`);
    await deductForRound({ db: trx, clock }, roundId, actor);
    await loadPendingStops(trx, roundId);
    await assignHandoffCodes(trx, roundId);
    await setRoundStatus(trx, roundId, 'dispatched');
    await alongside?.(trx);
  });
  return (await getRoundHead(db, roundId))!;
}

async function transition(db: Db, roundId: string, from: RoundStatus, to: RoundStatus, patch: { approvedBy?: string } = {}): Promise<void> {
  if (await moveRound(db, roundId, [from], to, patch)) return;
  const round = await getRoundHead(db, roundId);
  if (!round) throw notFound('round');
  throw invalidRoundTransition(round.status, to);
}
