/**
 * Planning rounds, for dispatchers (and admins): start a round for an area, follow its progress,
 * read the proposal, approve it, dispatch it. Starting needs the queue: while Redis is down the
 * answer is an immediate 503 problem document, never a hanging request.
 */
import { Router, type RequestHandler } from 'express';
import { lockStopBody, moveStopBody, roundParams, startRoundBody, stopParams } from '../../contracts/rounds.contract';
import type { Producers } from '../../queue/producers';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { approveRound, startRound } from '../../services/rounds/round.service';
import type { DriverLimits } from '../../domain/shifts';
import { proposalView, roundView, toView } from '../../services/rounds/round-view';
import { moveStop, replanRound, setStopLock } from '../../services/rounds/round-replan.service';
import { dispatchAndAnnounce } from '../../services/rounds/round-dispatched';
import type { LivePublisher } from '../../services/live-status/live.service';
import { accessOf, actorOf, requestId, requireRole } from '../auth';
import { logFields } from '../request-log';
import { jsonBody, pathParams } from '../validate';

export const ROUND_PATHS = {
  rounds: '/api/rounds',
  round: '/api/rounds/:roundId',
  proposal: '/api/rounds/:roundId/proposal',
  approve: '/api/rounds/:roundId/approve',
  dispatch: '/api/rounds/:roundId/dispatch',
  replan: '/api/rounds/:roundId/replan',
  moveStop: '/api/rounds/:roundId/stops/:stopId/move',
  lockStop: '/api/rounds/:roundId/stops/:stopId/lock',
} as const;

export interface RoundRouteDeps {
  db: Db;
  /** Absent when the API runs without Redis: starting a round then answers 503. */
  queue: Pick<Producers, 'ready' | 'addRoundFlow' | 'add'> | undefined;
  /** Live publisher: a dispatch's events (round-dispatched.ts), stored with it. Absent: nothing is published. */
  publisher?: Pick<LivePublisher, 'storeMany' | 'release'> | undefined;
  /** Solve budget per sub-problem when the request names none. Default 10000 ms. */
  defaultTimeLimitMs?: number;
  /** Driver limits a new round is planned with (DRIVER_* settings). Default: the documented defaults. */
  driverLimits?: DriverLimits;
}

export function roundsRoutes(deps: RoundRouteDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const dispatcher = [authenticated, requireRole('dispatcher', 'admin')];

  router.post(ROUND_PATHS.rounds, ...dispatcher, async (req, res) => {
    const body = jsonBody(req, startRoundBody);
    if (!deps.queue) throw new AppError('unavailable', 'the planning queue is not configured');
    const { round, created } = await startRound(
      // Prepared by a worker: a district's preparation takes minutes (the round answers as a draft until then).
      { db: deps.db, producers: deps.queue, prepareIn: deps.queue, defaultTimeLimitMs: deps.defaultTimeLimitMs ?? 10_000, ...(deps.driverLimits ? { driverLimits: deps.driverLimits } : {}) },
      { ...body, actor: actorOf(res).userId, requestId: requestId(req) ?? undefined },
    );
    logFields(res, { roundId: round.id });
    // Every state change is audited (who started, approved, dispatched which round, when).
    if (created) await accessOf(res).allowed('round.start', 'round', round.id);
    res.status(created ? 201 : 200).location(`/api/rounds/${round.id}`).json(await toView(deps.db, round));
  });

  router.get(ROUND_PATHS.round, ...dispatcher, async (req, res) => {
    res.json(await roundView(deps.db, pathParams(req, roundParams).roundId));
  });

  router.get(ROUND_PATHS.proposal, ...dispatcher, async (req, res) => {
    res.json(await proposalView(deps.db, pathParams(req, roundParams).roundId));
  });

  router.post(ROUND_PATHS.approve, ...dispatcher, async (req, res) => {
    const round = await approveRound(deps.db, pathParams(req, roundParams).roundId, actorOf(res).userId);
    await accessOf(res).allowed('round.approve', 'round', round.id);
    res.json(await toView(deps.db, round));
  });

  router.post(ROUND_PATHS.dispatch, ...dispatcher, async (req, res) => {
    const round = await dispatchAndAnnounce({ db: deps.db, publisher: deps.publisher }, pathParams(req, roundParams).roundId, actorOf(res).userId);
    await accessOf(res).allowed('round.dispatch', 'round', round.id);
    res.json(await toView(deps.db, round));
  });

  // A proposal is the dispatcher's to adjust: move or lock stops, then re-plan everything unlocked.
  router.post(ROUND_PATHS.moveStop, ...dispatcher, async (req, res) => {
    const { roundId, stopId } = pathParams(req, stopParams);
    const { tripId, position } = jsonBody(req, moveStopBody);
    await moveStop(deps.db, roundId, stopId, tripId, position);
    await accessOf(res).allowed('round.stop.move', 'round', roundId);
    res.json(await proposalView(deps.db, roundId));
  });

  router.post(ROUND_PATHS.lockStop, ...dispatcher, async (req, res) => {
    const { roundId, stopId } = pathParams(req, stopParams);
    await setStopLock(deps.db, roundId, stopId, jsonBody(req, lockStopBody).locked);
    await accessOf(res).allowed('round.stop.lock', 'round', roundId);
    res.json(await proposalView(deps.db, roundId));
  });

  router.post(ROUND_PATHS.replan, ...dispatcher, async (req, res) => {
    const { roundId } = pathParams(req, roundParams);
    if (!deps.queue) throw new AppError('unavailable', 'the planning queue is not configured');
    await replanRound({ db: deps.db, producers: deps.queue }, roundId, actorOf(res).userId, requestId(req) ?? undefined);
    await accessOf(res).allowed('round.replan', 'round', roundId);
    res.status(202).json(await roundView(deps.db, roundId));
  });

  return router;
}
