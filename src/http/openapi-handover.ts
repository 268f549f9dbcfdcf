/** OpenAPI entries of vehicle handovers, a round's crews and the driver's day (handover.routes.ts). */
import { acceptHandoverBody, handOverBody, handoverAnswer, handoverParams, handoverRecorded, myDayView, roundCrewView } from '../contracts/handover.contract';
import { roundParams } from '../contracts/rounds.contract';
import { errors, json, jsonBody, readErrors, type AddRoute } from './openapi-kit';
import { HANDOVER_PATHS } from './routes/handover.routes';

export function registerHandoverRoutes(route: AddRoute): void {
  route('get', HANDOVER_PATHS.handover, 'The handover of the trip\'s vehicle at the shift change before it (its two drivers, dispatchers and admins; audited): who hands over to whom and when, the vehicle\'s state (as handed over once confirmed) and the note', {
    request: { params: handoverParams },
    responses: { 200: json(handoverAnswer, 'The handover; null: the vehicle keeps its driver before this trip'), ...readErrors },
  });
  route('put', HANDOVER_PATHS.handover, 'The outgoing driver hands the vehicle over (dispatchers and admins for them): its state is stored as it stands, with the note, and published as vehicle.handover to the desk and both drivers. The same report again changes nothing', {
    request: { params: handoverParams, body: jsonBody(handOverBody) },
    responses: { 200: json(handoverRecorded, 'Recorded (replayed: it was stored already, the stored one is answered)'), ...errors },
  });
  route('put', HANDOVER_PATHS.acceptance, 'The incoming driver accepts the vehicle (dispatchers and admins for them), published as vehicle.handover. The same report again changes nothing', {
    request: { params: handoverParams, body: jsonBody(acceptHandoverBody) },
    responses: { 200: json(handoverRecorded, 'Recorded (replayed: it was stored already)'), ...errors },
  });
  route('get', HANDOVER_PATHS.crew, 'Who drives which vehicle in the round (dispatchers and admins): shift bands per vehicle, the handovers at shift changes, and each vehicle\'s driver now', {
    request: { params: roundParams },
    responses: { 200: json(roundCrewView, 'The round\'s crews'), ...readErrors },
  });
  route('get', HANDOVER_PATHS.myDay, 'The signed-in driver\'s shifts today (start, end, depot, vehicle) and the handovers of their vehicles', {
    responses: { 200: json(myDayView, 'The driver\'s day'), 401: errors[401], 403: errors[403] },
  });
}
