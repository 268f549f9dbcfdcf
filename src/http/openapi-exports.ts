/** OpenAPI entries of the exports (exports.routes.ts): the grid, the register and the fleet as CSV or .xlsx. */
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { tableExportQuery } from '../contracts/table-import.contract';
import { readErrors, type AddRoute } from './openapi-kit';
import { EXPORT_PATHS } from './routes/exports.routes';

const file = (description: string): ResponseConfig => ({
  description,
  content: { 'text/csv': { schema: z.string() }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string() } },
});
const same = 'in exactly the columns its import reads (see the README): imported again it creates and changes nothing';

export function registerExportRoutes(route: AddRoute): void {
  const get = (path: string, summary: string) => route('get', path, summary, { request: { query: tableExportQuery }, responses: { 200: file('The file, streamed'), ...readErrors } });
  get(EXPORT_PATHS.areas, `The grid as a file, ${same}; parents named by their name path. Community staff: what lies below their communities; unit chiefs: their corridors and buildings`);
  get(EXPORT_PATHS.households, `The household register as a file, ${same}; within the caller’s reach, as the register’s reads; audited (phone numbers and flags are personal data)`);
  get(EXPORT_PATHS.depots, `Depots in use as a file, ${same} (dispatchers, admins)`);
  get(EXPORT_PATHS.vehicles, `Vehicles in use as a file, ${same}; depots by name (dispatchers, admins)`);
  get(EXPORT_PATHS.drivers, `Drivers in use as a file, ${same}; depots by name (dispatchers, admins)`);
}
