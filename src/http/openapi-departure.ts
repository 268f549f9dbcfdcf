/** OpenAPI entry of the driver's "left the depot" report (trip-departure.routes.ts). */
import { departureBody, departureParams, departureRecorded } from '../contracts/departure.contract';
import { errors, json, jsonBody, type AddRoute } from './openapi-kit';
import { DEPARTURE_PATH } from './routes/trip-departure.routes';

export function registerDepartureRoutes(route: AddRoute): void {
  route('put', DEPARTURE_PATH, 'The van left the depot on this trip (the trip\'s driver; dispatchers and admins for them): stored once, published as trip.departed to the batch, the dispatch desk and the trip\'s gates, and the first stop\'s residents are sent their ETA window. The same report again changes nothing', {
    request: { params: departureParams, body: jsonBody(departureBody) },
    responses: { 200: json(departureRecorded, 'Recorded (replayed: a departure was stored already, the stored one is answered)'), ...errors },
  });
}
