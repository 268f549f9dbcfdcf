/** OpenAPI entry of the district at a glance (overview.routes.ts). */
import { overviewQuery, overviewResponse } from '../contracts/overview.contract';
import { json, readErrors, type AddRoute } from './openapi-kit';
import { OVERVIEW_PATH } from './routes/overview.routes';

export function registerOverviewRoutes(route: AddRoute): void {
  route('get', OVERVIEW_PATH, 'The district at a glance: needs by kind and status per community, the food cycle served, unserved and failed by reason, deliveries on time or late, stock days of cover, passes out and overdue, emergency response times; each figure with the list behind it (dispatcher, admin; community staff: their communities)', {
    request: { query: overviewQuery }, responses: { 200: json(overviewResponse, 'Overview'), ...readErrors },
  });
}
