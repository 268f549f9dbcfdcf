/** Needs intake: submit, list, read and cancel needs of a household; the food cycles a need may name. */
import { Router, type RequestHandler, type Response } from 'express';
import { cancelNeedBody, createNeedBody, householdParams, needParams } from '../../contracts/intake.contract';
import type { WriteResult } from '../../services/shared/idempotency';
import { currentFoodCycles, readHouseholdAhead, submitNeed, type HouseholdReadAhead } from '../../services/needs/intake.service';
import { cancelNeed, getNeed, listHouseholdNeeds, type CancelDeps } from '../../services/needs/needs-read.service';
import { actorOf, requestId, sessionToken } from '../auth';
import { idempotencyOf } from '../idempotency-key';
import { logFields } from '../request-log';
import { jsonBody, pathParams } from '../validate';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by the submission route before authentication: the household's read, started early. */
      householdAhead?: HouseholdReadAhead;
    }
  }
}

export const NEEDS_PATHS = {
  householdNeeds: '/api/households/:householdId/needs',
  need: '/api/needs/:needId',
  cancel: '/api/needs/:needId/cancel',
  foodCycle: '/api/food-cycle',
} as const;

export function sendWrite(res: Response, result: WriteResult<unknown>): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).json(result.body);
}

/** `svc.live`: where a cancel that changes a round's manifest is published (optional). */
export function needsRoutes(svc: CancelDeps, authenticated: RequestHandler, intakeLimit: RequestHandler): Router {
  const router = Router();

  // The household is read beside the session, for requests that carry one (see readHouseholdAhead).
  const readAhead: RequestHandler = (req, res, next) => {
    const params = householdParams.safeParse(req.params);
    if (params.success && sessionToken(req)) res.locals.householdAhead = readHouseholdAhead(svc, params.data.householdId);
    next();
  };

  router.post(NEEDS_PATHS.householdNeeds, readAhead, authenticated, intakeLimit, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    const input = jsonBody(req, createNeedBody);
    const ctx = { reqId: requestId(req) ?? undefined, idempotency: idempotencyOf(req, req.body), household: res.locals.householdAhead };
    const result = await submitNeed(svc, actorOf(res), householdId, input, ctx);
    // The need's id on the request's line: its jobs carry this request's id, so either finds both.
    logFields(res, { needId: result.body.need.id });
    sendWrite(res, result);
  });

  router.get(NEEDS_PATHS.householdNeeds, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    res.json({ needs: await listHouseholdNeeds(svc, actorOf(res), householdId, requestId(req) ?? undefined) });
  });

  router.get(NEEDS_PATHS.need, authenticated, async (req, res) => {
    const { needId } = pathParams(req, needParams);
    res.json(await getNeed(svc, actorOf(res), needId, requestId(req) ?? undefined));
  });

  router.post(NEEDS_PATHS.cancel, authenticated, async (req, res) => {
    const { needId } = pathParams(req, needParams);
    // An empty body is fine here: the reason is optional.
    const body = req.body === undefined ? {} : jsonBody(req, cancelNeedBody);
    const ctx = { reqId: requestId(req) ?? undefined, idempotency: idempotencyOf(req, body) };
    sendWrite(res, await cancelNeed(svc, actorOf(res), needId, body.reason, ctx));
  });

  // Any signed-in user: the need form pre-fills the current cycle from here (server time, server config).
  router.get(NEEDS_PATHS.foodCycle, authenticated, (_req, res) => {
    res.json(currentFoodCycles(svc));
  });

  return router;
}
