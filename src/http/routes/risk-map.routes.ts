/** The risk map (issue #15, item 4): the configured statuses and levels, an area's change and history. */
import { Router, type RequestHandler } from 'express';
import { areaParams } from '../../contracts/intake.contract';
import { riskChangeBody, riskHistoryQuery } from '../../contracts/risk-map.contract';
import { areaRiskHistory, changeAreaRisk, type RiskMapDeps } from '../../services/grid/risk-map.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';

export const RISK_MAP_PATHS = {
  settings: '/api/risk-map/settings',
  risk: '/api/areas/:areaId/risk',
  history: '/api/areas/:areaId/risk/history',
} as const;

export function riskMapRoutes(svc: RiskMapDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  // Labels and colours only: every signed-in page may colour a map.
  router.get(RISK_MAP_PATHS.settings, authenticated, (_req, res) => {
    res.json({ controlStatuses: svc.riskMap.controlStatuses, riskLevels: svc.riskMap.riskLevels });
  });

  router.patch(RISK_MAP_PATHS.risk, authenticated, async (req, res) => {
    const { areaId } = pathParams(req, areaParams);
    res.json(await changeAreaRisk(svc, actorOf(res), areaId, jsonBody(req, riskChangeBody), reqIdOf(req)));
  });

  router.get(RISK_MAP_PATHS.history, authenticated, async (req, res) => {
    const { areaId } = pathParams(req, areaParams);
    res.json(await areaRiskHistory(svc, actorOf(res), areaId, queryParams(req, riskHistoryQuery), reqIdOf(req)));
  });

  return router;
}
