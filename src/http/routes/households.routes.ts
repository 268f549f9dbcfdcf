/**
 * The household register (issue #15, item 2): create, change and list households, and import a
 * register file (CSV or .xlsx, by Content-Type), streamed from the request into the database.
 */
import { Router, type RequestHandler } from 'express';
import { changeHouseholdBody, createHouseholdBody, householdImportQuery, householdListQuery } from '../../contracts/household.contract';
import { householdParams } from '../../contracts/intake.contract';
import { importHouseholds, type RegisterImportLimits } from '../../services/grid/household-import.service';
import { changeHousehold, createHousehold, listHouseholds, type RegisterDeps } from '../../services/grid/household-register.service';
import { TABLE_MEDIA_TYPES, type TableFormat } from '../../services/shared/table-import/table-rows';
import { AppError } from '../../shared/errors';
import { actorOf, requestId } from '../auth';
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
    const format = (Object.keys(TABLE_MEDIA_TYPES) as TableFormat[]).find((f) => req.is([...TABLE_MEDIA_TYPES[f]]));
    if (!format) throw new AppError('unsupported_media_type', `send the file as ${Object.values(TABLE_MEDIA_TYPES).flat().join(' or ')}`);
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') throw new AppError('unsupported_media_type', 'send the file without Content-Encoding');
    try {
      res.json(await importHouseholds(svc, actorOf(res), { format, body: req, dryRun }, limits, reqIdOf(req)));
    } finally {
      // Refused before the end of the upload (a bad header, too large): the rest is not read, so
      // the client is not left waiting to send it, and the connection closes after the answer.
      if (!req.complete) {
        res.setHeader('Connection', 'close');
        req.unpipe();
        req.resume();
      }
    }
  });

  return router;
}
