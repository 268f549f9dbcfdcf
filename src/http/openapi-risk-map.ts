/** OpenAPI entries of the risk map (risk-map.routes.ts). */
import { areaParams } from '../contracts/intake.contract';
import { riskChangeBody, riskChangeResult, riskHistoryQuery, riskHistoryResponse, riskMapSettings } from '../contracts/risk-map.contract';
import { errors, json, jsonBody, problem, type AddRoute } from './openapi-kit';
import { RISK_MAP_PATHS } from './routes/risk-map.routes';

export function registerRiskMapRoutes(route: AddRoute): void {
  route('get', RISK_MAP_PATHS.settings, 'The district’s configured control statuses and risk levels (codes, labels in English and Chinese, colours)', {
    responses: { 200: json(riskMapSettings, 'The configured lists'), ...errors },
  });
  route('patch', RISK_MAP_PATHS.risk,
    'Change an area’s control status, risk level or both, with a reason (admins; community staff for their communities, their buildings and corridors): '
    + 'kept in the area’s history, audited, and published live as area.risk_changed to the dispatch desk and the area’s community and corridor scopes', {
      request: { params: areaParams, body: jsonBody(riskChangeBody) },
      responses: {
        200: json(riskChangeResult, 'Changed (change null: it had them already)'), ...errors,
        409: problem('The area is retired'),
        422: problem('A code the district has not configured, or a missing reason (`errors` names the field)'),
      },
    });
  route('get', RISK_MAP_PATHS.history, 'An area’s risk map history, newest first: who, when, from, to, why (whoever may read the area)', {
    request: { params: areaParams, query: riskHistoryQuery },
    responses: { 200: json(riskHistoryResponse, 'The history'), ...errors },
  });
}
