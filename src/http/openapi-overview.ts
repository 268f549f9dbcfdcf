/** OpenAPI entries of the district at a glance and the needs list behind it (overview.routes.ts). */
import { communityParams } from '../contracts/intake.contract';
import { needListQuery, needListResponse } from '../contracts/need-list.contract';
import { overviewQuery, overviewResponse } from '../contracts/overview.contract';
import { json, readErrors, type AddRoute } from './openapi-kit';
import { NEED_LIST_PATH, OVERVIEW_PATH } from './routes/overview.routes';

export function registerOverviewRoutes(route: AddRoute): void {
  route('get', OVERVIEW_PATH, 'The district at a glance: needs by kind and status per community, the food cycle served, unserved and failed by reason, deliveries on time or late, stock days of cover, passes out and overdue, emergency response times; each figure with the list behind it (dispatcher, admin; community staff: their communities)', {
    request: { query: overviewQuery }, responses: { 200: json(overviewResponse, 'Overview'), ...readErrors },
  });
  route('get', NEED_LIST_PATH, 'A community’s needs, newest first, filtered by kind, status, food cycle, unserved or failure reason and last change (the overview’s need figures link here); corridor and address by name, never details (dispatcher, admin; community staff of the community)', {
    request: { params: communityParams, query: needListQuery }, responses: { 200: json(needListResponse, 'Needs'), ...readErrors },
  });
}
