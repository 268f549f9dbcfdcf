/** OpenAPI entries of keeping the grid (areas.routes.ts). */
import { changeAreaBody, createAreaBody } from '../contracts/area.contract';
import { areaParams, areaView } from '../contracts/intake.contract';
import { errors, json, jsonBody, problem, type AddRoute } from './openapi-kit';
import { AREA_PATHS } from './routes/areas.routes';

export function registerAreaRoutes(route: AddRoute): void {
  route('post', AREA_PATHS.areas, 'Create an area under a parent of the right kind (admins; community staff below community level in their communities); audited', {
    request: { body: jsonBody(createAreaBody) },
    responses: { 201: json(areaView, 'Created'), ...errors, 409: problem('The name is in use under that parent (`errors` names `name`)') },
  });
  route('patch', AREA_PATHS.area, 'Rename an area, move it to another parent of the right kind, or set its coordinates (admins; community staff in their communities); audited', {
    request: { params: areaParams, body: jsonBody(changeAreaBody) },
    responses: {
      200: json(areaView, 'Changed'), ...errors,
      409: problem('The name is in use under the parent (`name`), households live under an area moved to another community (`parentId`), or the area is retired'),
    },
  });
  route('post', AREA_PATHS.retire, 'Retire an area (admins): kept with its history, never deleted; refused while it holds areas in use, households or open needs', {
    request: { params: areaParams },
    responses: { 200: json(areaView, 'Retired'), ...errors, 409: problem('It still holds something (`holds`: activeChildren, households, openNeeds), or is retired already') },
  });
}
