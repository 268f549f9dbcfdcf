/** OpenAPI entries of waste collection (waste.routes.ts): disposal sites and corridors' pickup requests. */
import { z } from 'zod';
import {
  corridorParams, disposalSiteBody, disposalSiteView, wasteRequestBody, wasteRequestListQuery, wasteRequestView, wasteScheduleBody, wasteScheduleParams, wasteScheduleView,
} from '../contracts/waste.contract';
import { errors, json, jsonBody, type AddRoute } from './openapi-kit';
import { WASTE_PATHS } from './routes/waste.routes';

export function registerWasteRoutes(route: AddRoute): void {
  route('get', WASTE_PATHS.sites, 'Disposal sites, where waste trucks unload (dispatchers and admins)', {
    responses: { 200: json(z.object({ sites: z.array(disposalSiteView) }), 'Sites'), ...errors },
  });
  route('post', WASTE_PATHS.sites, 'Add a disposal site: place, opening hours and daily capacity in kg (dispatchers and admins); waste rounds unload at active sites', {
    request: { body: jsonBody(disposalSiteBody) },
    responses: { 201: json(disposalSiteView, 'Added'), ...errors },
  });
  route('post', WASTE_PATHS.corridorRequests, 'Request a waste pickup for a corridor (its unit chief, the community’s staff, dispatchers, admins): bags, estimated kg, category. The next waste round collects it', {
    request: { params: corridorParams, body: jsonBody(wasteRequestBody) },
    responses: { 201: json(wasteRequestView, 'Requested'), 200: json(wasteRequestView, 'The corridor’s open request of this category, replaced (or already on a round, unchanged)'), ...errors },
  });
  route('get', WASTE_PATHS.requests, 'Open waste pickup requests the caller may see (unit chiefs: their corridors; community staff: their communities; dispatchers and admins: all)', {
    request: { query: wasteRequestListQuery },
    responses: { 200: json(z.object({ requests: z.array(wasteRequestView) }), 'Open requests, oldest first'), ...errors },
  });
  route('get', WASTE_PATHS.schedules, 'A corridor’s recurring waste pickups, per category (whoever may see the corridor)', {
    request: { params: corridorParams },
    responses: { 200: json(z.object({ schedules: z.array(wasteScheduleView) }), 'Schedules'), ...errors },
  });
  route('put', WASTE_PATHS.schedule, 'Set a corridor’s recurring pickup for a category (dispatchers, admins, the community’s staff): a new one is due today; a waste round opens each due request, then the schedule moves on', {
    request: { params: wasteScheduleParams, body: jsonBody(wasteScheduleBody) },
    responses: { 200: json(wasteScheduleView, 'Set'), ...errors },
  });
  route('delete', WASTE_PATHS.schedule, 'Stop a corridor’s recurring pickup for a category (dispatchers, admins, the community’s staff)', {
    request: { params: wasteScheduleParams },
    responses: { 204: { description: 'Stopped' }, ...errors },
  });
}
