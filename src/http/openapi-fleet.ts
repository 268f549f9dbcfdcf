/** OpenAPI entries of the fleet (fleet.routes.ts). */
import { z } from 'zod';
import * as c from '../contracts/fleet.contract';
import { errors, json, jsonBody, problem, readErrors, type AddRoute } from './openapi-kit';
import { FLEET_PATHS } from './routes/fleet.routes';

const file = z.string().describe('One file of the kind (see the README, "The fleet files")');
const upload = { content: { 'text/csv': { schema: file }, 'application/csv': { schema: file }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: file } } };
const retired = problem('Retired already, or still in use (a depot with active vehicles or drivers, a vehicle or driver on a round being planned or on the road)');

export function registerFleetRoutes(route: AddRoute): void {
  const kinds = [
    { kind: 'depot', list: FLEET_PATHS.depots, one: FLEET_PATHS.depot, retire: FLEET_PATHS.depotRetire, imp: FLEET_PATHS.depotImport, params: c.depotParams,
      query: c.depotListQuery, listRes: c.depotListResponse, view: c.depotView, create: c.createDepotBody, change: c.changeDepotBody, key: 'name', match: 'name' },
    { kind: 'vehicle', list: FLEET_PATHS.vehicles, one: FLEET_PATHS.vehicle, retire: FLEET_PATHS.vehicleRetire, imp: FLEET_PATHS.vehicleImport, params: c.vehicleParams,
      query: c.fleetListQuery, listRes: c.vehicleListResponse, view: c.vehicleView, create: c.createVehicleBody, change: c.changeVehicleBody, key: 'plate', match: 'plate' },
    { kind: 'driver', list: FLEET_PATHS.drivers, one: FLEET_PATHS.driver, retire: FLEET_PATHS.driverRetire, imp: FLEET_PATHS.driverImport, params: c.driverParams,
      query: c.fleetListQuery, listRes: c.driverListResponse, view: c.driverView, create: c.createDriverBody, change: c.changeDriverBody, key: 'phone', match: 'name and phone' },
  ] as const;
  for (const k of kinds) {
    const taken = problem(`Another active ${k.kind} has this ${k.match} (\`errors\` names \`${k.key}\`), or the ${k.kind} is retired`);
    route('get', k.list, `The ${k.kind}s (dispatchers, admins); active ones unless includeRetired=true`, { request: { query: k.query }, responses: { 200: json(k.listRes, `${k.kind}s`), ...readErrors } });
    route('post', k.list, `Add a ${k.kind} (admins); audited`, { request: { body: jsonBody(k.create) }, responses: { 201: json(k.view, 'Created'), ...errors, 409: taken } });
    route('patch', k.one, `Change a ${k.kind} (admins); audited`, { request: { params: k.params, body: jsonBody(k.change) }, responses: { 200: json(k.view, 'Changed'), ...errors, 409: taken } });
    route('post', k.retire, `Retire a ${k.kind} (admins): kept for history, never planned again; audited`, { request: { params: k.params }, responses: { 200: json(k.view, 'Retired'), ...errors, 409: retired } });
    route('post', k.imp,
      `Import a ${k.kind} file (CSV or .xlsx, by Content-Type; admins), streamed. Rows are matched to active ${k.kind}s by ${k.match}: a re-import updates, never duplicates. `
      + 'All or nothing per file: one refused row and nothing is written, the problem document listing line, column and reason of each (`rows`). '
      + 'dryRun=true reads the whole file and answers what would be created, updated and refused, writing nothing.', {
        request: { query: c.fleetImportQuery, body: upload },
        responses: { 200: json(c.fleetImportResult, 'Imported (or, dry run, what would be)'), ...errors, 422: problem('Refused, nothing written: `rows` lists line, column and reason of each problem') },
      });
  }
}
