/**
 * The fleet (issue #15, item 3): depots, vehicles and drivers listed, created, changed (PATCH),
 * retired (never deleted), and imported from a CSV or .xlsx file per kind, streamed.
 */
import { Router, type Request, type RequestHandler } from 'express';
import {
  changeDepotBody, changeDriverBody, changeVehicleBody, createDepotBody, createDriverBody, createVehicleBody, depotListQuery, depotParams, driverParams,
  fleetImportQuery, fleetListQuery, vehicleParams,
} from '../../contracts/fleet.contract';
import type { FleetKind } from '../../domain/fleet';
import { importFleet } from '../../services/fleet/fleet-import.service';
import {
  changeDepot, changeDriver, changeVehicle, createDepot, createDriver, createVehicle, listDepotViews, listDriverViews, listVehicleViews,
  retireDepot, retireDriver, retireVehicle, type FleetDeps,
} from '../../services/fleet/fleet.service';
import { actorOf, requestId } from '../auth';
import { answerUpload } from '../table-upload';
import { jsonBody, pathParams, queryParams } from '../validate';

export const FLEET_PATHS = {
  depots: '/api/depots',
  depot: '/api/depots/:depotId',
  depotRetire: '/api/depots/:depotId/retire',
  depotImport: '/api/depots/import',
  vehicles: '/api/vehicles',
  vehicle: '/api/vehicles/:vehicleId',
  vehicleRetire: '/api/vehicles/:vehicleId/retire',
  vehicleImport: '/api/vehicles/import',
  drivers: '/api/drivers',
  driver: '/api/drivers/:driverId',
  driverRetire: '/api/drivers/:driverId/retire',
  driverImport: '/api/drivers/import',
} as const;

export interface FleetImportLimits { maxBytes: number; maxRows: number }

export function fleetRoutes(svc: FleetDeps, authenticated: RequestHandler, limits: FleetImportLimits): Router {
  const router = Router();
  const reqIdOf = (req: Request) => requestId(req) ?? undefined;

  router.get(FLEET_PATHS.depots, authenticated, async (req, res) => {
    res.json({ depots: await listDepotViews(svc, actorOf(res), queryParams(req, depotListQuery), reqIdOf(req)) });
  });
  router.post(FLEET_PATHS.depots, authenticated, async (req, res) => {
    res.status(201).json(await createDepot(svc, actorOf(res), jsonBody(req, createDepotBody), reqIdOf(req)));
  });
  router.patch(FLEET_PATHS.depot, authenticated, async (req, res) => {
    const { depotId } = pathParams(req, depotParams);
    res.json(await changeDepot(svc, actorOf(res), depotId, jsonBody(req, changeDepotBody), reqIdOf(req)));
  });
  router.post(FLEET_PATHS.depotRetire, authenticated, async (req, res) => {
    res.json(await retireDepot(svc, actorOf(res), pathParams(req, depotParams).depotId, reqIdOf(req)));
  });

  router.get(FLEET_PATHS.vehicles, authenticated, async (req, res) => {
    res.json({ vehicles: await listVehicleViews(svc, actorOf(res), queryParams(req, fleetListQuery), reqIdOf(req)) });
  });
  router.post(FLEET_PATHS.vehicles, authenticated, async (req, res) => {
    res.status(201).json(await createVehicle(svc, actorOf(res), jsonBody(req, createVehicleBody), reqIdOf(req)));
  });
  router.patch(FLEET_PATHS.vehicle, authenticated, async (req, res) => {
    const { vehicleId } = pathParams(req, vehicleParams);
    res.json(await changeVehicle(svc, actorOf(res), vehicleId, jsonBody(req, changeVehicleBody), reqIdOf(req)));
  });
  router.post(FLEET_PATHS.vehicleRetire, authenticated, async (req, res) => {
    res.json(await retireVehicle(svc, actorOf(res), pathParams(req, vehicleParams).vehicleId, reqIdOf(req)));
  });

  router.get(FLEET_PATHS.drivers, authenticated, async (req, res) => {
    res.json({ drivers: await listDriverViews(svc, actorOf(res), queryParams(req, fleetListQuery), reqIdOf(req)) });
  });
  router.post(FLEET_PATHS.drivers, authenticated, async (req, res) => {
    res.status(201).json(await createDriver(svc, actorOf(res), jsonBody(req, createDriverBody), reqIdOf(req)));
  });
  router.patch(FLEET_PATHS.driver, authenticated, async (req, res) => {
    const { driverId } = pathParams(req, driverParams);
    res.json(await changeDriver(svc, actorOf(res), driverId, jsonBody(req, changeDriverBody), reqIdOf(req)));
  });
  router.post(FLEET_PATHS.driverRetire, authenticated, async (req, res) => {
    res.json(await retireDriver(svc, actorOf(res), pathParams(req, driverParams).driverId, reqIdOf(req)));
  });

  // The body is read here, as a stream, by the import itself (no body parser before it).
  const imports: [string, FleetKind][] = [[FLEET_PATHS.depotImport, 'depot'], [FLEET_PATHS.vehicleImport, 'vehicle'], [FLEET_PATHS.driverImport, 'driver']];
  for (const [path, kind] of imports) {
    router.post(path, authenticated, async (req, res) => {
      const { dryRun } = queryParams(req, fleetImportQuery);
      await answerUpload(req, res, (format) => importFleet(svc, actorOf(res), kind, { format, body: req, dryRun }, limits, reqIdOf(req)));
    });
  }
  return router;
}
