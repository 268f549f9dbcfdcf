/** OpenAPI entries of waste collection (waste.routes.ts): disposal sites and corridors' pickup requests. */
import { z } from 'zod';
import {
  corridorParams, disposalSiteBody, disposalSiteView, wasteRequestBody, wasteRequestListQuery, wasteRequestView, wasteScheduleBody, wasteScheduleParams, wasteScheduleView,
} from '../contracts/waste.contract';
import { errors, json, jsonBody, type AddRoute } from './openapi-kit';
import { WASTE_PATHS } from './routes/waste.routes';
import { custodyStopParams, custodyTripParams, disinfectionBody, disinfectionView, recorded, wastePickupBody, wastePickupView, wasteUnloadBody, wasteUnloadView } from '../contracts/waste-custody.contract';
import { CUSTODY_PATHS } from './routes/waste-custody.routes';

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
  // Custody (issue #18, item 2): the trip's driver, dispatchers and admins; the same record again is answered from what is stored.
  route('put', CUSTODY_PATHS.pickup, 'Record the bags and kg the crew took at a stop of a waste trip (the trip\'s driver, dispatchers, admins). Corrected by sending it again until the trip is weighed at the disposal site', {
    request: { params: custodyStopParams, body: jsonBody(wastePickupBody) },
    responses: { 200: json(recorded(wastePickupView), 'Recorded (replayed: the same record was stored already)'), ...errors },
  });
  route('put', CUSTODY_PATHS.unload, 'Record a waste trip\'s weight at the disposal site (the trip\'s driver, dispatchers, admins): compared with its pickups, a difference over WASTE_WEIGHT_TOLERANCE is flagged to the dispatch desk (waste.custody_flagged). Final once recorded', {
    request: { params: custodyTripParams, body: jsonBody(wasteUnloadBody) },
    responses: { 200: json(recorded(wasteUnloadView), 'Recorded (replayed: the same weight was stored already)'), ...errors },
  });
  route('put', CUSTODY_PATHS.disinfection, 'Record the vehicle\'s disinfection after a waste trip: who (the caller), when, which agent (the trip\'s driver, dispatchers, admins). A vehicle whose last waste trip has none is not planned for food or medicine. Final once recorded', {
    request: { params: custodyTripParams, body: jsonBody(disinfectionBody) },
    responses: { 200: json(recorded(disinfectionView), 'Recorded (replayed: the same record was stored already)'), ...errors },
  });
}
