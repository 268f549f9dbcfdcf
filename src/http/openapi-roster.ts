/** OpenAPI entries of driver shifts (roster.routes.ts). */
import { z } from 'zod';
import * as c from '../contracts/roster.contract';
import { errors, json, jsonBody, problem, type AddRoute } from './openapi-kit';
import { ROSTER_PATHS } from './routes/roster.routes';

const inUse = problem('Drivers are rostered on this shift from today on, or the depot has a shift of this name');
const broken = problem('The roster change would break a driver rule (`rule`: roster:duty-hours, roster:rest, roster:overlap, roster:licence; `driver` by name, `date`), or a field is invalid');

export function registerRosterRoutes(route: AddRoute): void {
  route('get', ROSTER_PATHS.templates, 'Shift templates of the depots, or of one (dispatchers, admins)', {
    request: { query: c.templateListQuery }, responses: { 200: json(z.object({ templates: z.array(c.shiftTemplateView) }), 'Templates, by depot and start'), ...errors },
  });
  route('post', ROSTER_PATHS.depotTemplates, 'Add a shift to a depot, every day (dispatchers, admins); audited. A depot with templates staffs its vehicles from its roster', {
    request: { params: c.depotTemplateParams, body: jsonBody(c.shiftTemplateBody) }, responses: { 201: json(c.shiftTemplateView, 'Added'), ...errors, 409: inUse },
  });
  route('patch', ROSTER_PATHS.template, 'Change a shift template (dispatchers, admins); audited', {
    request: { params: c.templateParams, body: jsonBody(c.shiftTemplateChange) }, responses: { 200: json(c.shiftTemplateView, 'Changed'), ...errors, 409: inUse },
  });
  route('delete', ROSTER_PATHS.template, 'Remove a shift template (dispatchers, admins): kept for the shifts rostered on it before; audited', {
    request: { params: c.templateParams }, responses: { 204: { description: 'Removed' }, ...errors, 409: inUse },
  });
  route('get', ROSTER_PATHS.roster, 'The roster: drivers on shifts for dates (at most 31 days), by start (dispatchers, admins)', {
    request: { query: c.rosterListQuery }, responses: { 200: json(z.object({ shifts: z.array(c.rosterShiftView) }), 'Rostered shifts'), ...errors },
  });
  route('post', ROSTER_PATHS.roster, 'Put a driver on a shift for a date or a range of dates (dispatchers, admins), all or nothing; refused 422 when it breaks the driver’s daily duty hours, the rest between shifts, or the vehicle’s licence class; audited', {
    request: { body: jsonBody(c.rosterBody) }, responses: { 201: json(z.object({ shifts: z.array(c.rosterShiftView) }), 'The driver’s shifts on that template over the range'), ...errors, 422: broken },
  });
  route('delete', ROSTER_PATHS.shift, 'Take a driver off a rostered shift (dispatchers, admins); a round already prepared keeps the roster it took; audited', {
    request: { params: c.rosterParams }, responses: { 204: { description: 'Removed' }, ...errors },
  });
}
