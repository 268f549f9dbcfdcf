/**
 * The household register (issue #15, item 2): create, change and list households, and import a
 * register file (CSV or .xlsx, by Content-Type), streamed from the request into the database.
 */
import { Router, type RequestHandler } from 'express';
import { changeHouseholdBody, createHouseholdBody, householdImportQuery, householdListQuery } from '../../contracts/household.contract';
import { householdParams } from '../../contracts/intake.contract';
import { importHouseholds, type RegisterImportLimits } from '../../services/grid/household-import.service';
import { changeHousehold, createHousehold, listHouseholds, type RegisterDeps } from '../../services/grid/household-register.service';
import { actorOf, requestId } from '../auth';
import { answerUpload } from '../table-upload';
import { jsonBody, pathParams, queryParams } from '../validate';

export const HOUSEHOLD_PATHS = {
  households: '/api/households',
  household: '/api/households/:householdId',
  import: '/api/households/import',
} as const;

export function householdRoutes(svc: RegisterDeps, authenticated: RequestHandler, limits: RegisterImportLimits): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.get(HOUSEHOLD_PATHS.households, authenticated, async (req, res) => {
    const q = queryParams(req, householdListQuery);
    res.json({ households: await listHouseholds(svc, actorOf(res), q, reqIdOf(req)) });
  });

  router.post(HOUSEHOLD_PATHS.households, authenticated, async (req, res) => {
    const body = jsonBody(req, createHouseholdBody);
    res.status(201).json(await createHousehold(svc, actorOf(res), body, reqIdOf(req)));
  });

  router.patch(HOUSEHOLD_PATHS.household, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    const body = jsonBody(req, changeHouseholdBody);
    res.json(await changeHousehold(svc, actorOf(res), householdId, body, reqIdOf(req)));
  });

  // The body is read here, as a stream, by the import itself (no body parser before it).
  router.post(HOUSEHOLD_PATHS.import, authenticated, async (req, res) => {
    const { dryRun } = queryParams(req, householdImportQuery);
    await answerUpload(req, res, (format) => importHouseholds(svc, actorOf(res), { format, body: req, dryRun }, limits, reqIdOf(req)));
  });

  return router;
}
