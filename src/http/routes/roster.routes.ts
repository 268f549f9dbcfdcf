/** Driver shifts (issue #18, item 3): depots' shift templates and the roster of drivers on them. */
import { Router, type Request, type RequestHandler } from 'express';
import {
  depotTemplateParams, rosterBody, rosterListQuery, rosterParams, shiftTemplateBody, shiftTemplateChange, templateListQuery, templateParams,
} from '../../contracts/roster.contract';
import {
  changeShiftTemplate, createShiftTemplate, removeShiftTemplate, roster, rosterDriver, shiftTemplates, unrosterShift, type RosterDeps,
} from '../../services/fleet/roster.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';

export const ROSTER_PATHS = {
  templates: '/api/shift-templates',
  depotTemplates: '/api/depots/:depotId/shift-templates',
  template: '/api/shift-templates/:templateId',
  roster: '/api/roster',
  shift: '/api/roster/:shiftId',
} as const;

export function rosterRoutes(deps: RosterDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Request) => requestId(req) ?? undefined;

  router.get(ROSTER_PATHS.templates, authenticated, async (req, res) => {
    res.json({ templates: await shiftTemplates(deps, actorOf(res), queryParams(req, templateListQuery).depotId, reqIdOf(req)) });
  });
  router.post(ROSTER_PATHS.depotTemplates, authenticated, async (req, res) => {
    const { depotId } = pathParams(req, depotTemplateParams);
    res.status(201).json(await createShiftTemplate(deps, actorOf(res), depotId, jsonBody(req, shiftTemplateBody), reqIdOf(req)));
  });
  router.patch(ROSTER_PATHS.template, authenticated, async (req, res) => {
    const { templateId } = pathParams(req, templateParams);
    res.json(await changeShiftTemplate(deps, actorOf(res), templateId, jsonBody(req, shiftTemplateChange), reqIdOf(req)));
  });
  router.delete(ROSTER_PATHS.template, authenticated, async (req, res) => {
    await removeShiftTemplate(deps, actorOf(res), pathParams(req, templateParams).templateId, reqIdOf(req));
    res.status(204).end();
  });
  router.get(ROSTER_PATHS.roster, authenticated, async (req, res) => {
    res.json({ shifts: await roster(deps, actorOf(res), queryParams(req, rosterListQuery), reqIdOf(req)) });
  });
  router.post(ROSTER_PATHS.roster, authenticated, async (req, res) => {
    res.status(201).json({ shifts: await rosterDriver(deps, actorOf(res), jsonBody(req, rosterBody), reqIdOf(req)) });
  });
  router.delete(ROSTER_PATHS.shift, authenticated, async (req, res) => {
    await unrosterShift(deps, actorOf(res), pathParams(req, rosterParams).shiftId, reqIdOf(req));
    res.status(204).end();
  });
  return router;
}
