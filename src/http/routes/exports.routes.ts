/**
 * Exports of the grid, the register and the fleet (issue #15, item 7) as CSV or .xlsx, in the
 * imports' columns, streamed into the response. Mounted before the routes with an `:areaId` or
 * `:householdId` segment, which `export` would otherwise match.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { tableExportQuery } from '../../contracts/table-import.contract';
import type { FleetKind } from '../../domain/fleet';
import type { Db } from '../../store/db';
import type { AuditService } from '../../services/access/audit.service';
import { exportFleet } from '../../services/fleet/fleet-export.service';
import { exportGrid } from '../../services/grid/area-export.service';
import { exportHouseholds } from '../../services/grid/household-export.service';
import { TABLE_CONTENT_TYPE } from '../../services/shared/table-export/table-writer';
import type { TableFormat } from '../../services/shared/table-import/table-rows';
import { actorOf, requestId } from '../auth';
import { queryParams } from '../validate';

export const EXPORT_PATHS = {
  areas: '/api/areas/export',
  households: '/api/households/export',
  depots: '/api/depots/export',
  vehicles: '/api/vehicles/export',
  drivers: '/api/drivers/export',
} as const;

/** The response as the file's stream, headers set only once the export is allowed (a refusal stays a problem document). */
const download = (res: Response, format: TableFormat, name: string) => () => {
  res.status(200).type(TABLE_CONTENT_TYPE[format]).setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  return res;
};

type Export = (actor: ReturnType<typeof actorOf>, format: TableFormat, open: () => Response, reqId: string | undefined) => Promise<number>;

export function exportRoutes(deps: { db: Db; audit: AuditService | undefined }, authenticated: RequestHandler): Router {
  const router = Router();
  const fleet = (kind: FleetKind): Export => (actor, format, open, reqId) => exportFleet(deps, actor, kind, format, open, reqId);
  const exports: [string, string, Export][] = [
    [EXPORT_PATHS.areas, 'grid', (actor, format, open, reqId) => exportGrid(deps, actor, format, open, reqId)],
    [EXPORT_PATHS.households, 'households', (actor, format, open, reqId) => exportHouseholds(deps, actor, format, open, reqId)],
    [EXPORT_PATHS.depots, 'depots', fleet('depot')],
    [EXPORT_PATHS.vehicles, 'vehicles', fleet('vehicle')],
    [EXPORT_PATHS.drivers, 'drivers', fleet('driver')],
  ];
  for (const [path, name, run] of exports) {
    router.get(path, authenticated, async (req: Request, res) => {
      const { format } = queryParams(req, tableExportQuery);
      try {
        await run(actorOf(res), format, download(res, format, name), requestId(req) ?? undefined);
      } catch (err) {
        // Half a file already sent cannot become a problem document: cut the connection, the client sees it incomplete.
        if (res.headersSent) res.destroy();
        else throw err;
      }
    });
  }
  return router;
}
