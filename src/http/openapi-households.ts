/** OpenAPI entries of the household register (households.routes.ts). */
import { z } from 'zod';
import {
  changedHouseholdResponse, changeHouseholdBody, createHouseholdBody, householdImportQuery, householdImportResult, householdListQuery, registerHouseholdView, registerListResponse,
} from '../contracts/household.contract';
import { householdParams } from '../contracts/intake.contract';
import { errors, json, jsonBody, problem, readErrors, type AddRoute } from './openapi-kit';
import { HOUSEHOLD_PATHS } from './routes/households.routes';

const file = z.string().describe('The register file (see the README, "The household register file")');

export function registerHouseholdRoutes(route: AddRoute): void {
  route('get', HOUSEHOLD_PATHS.households, 'The household register within the caller’s reach (unit chiefs: their corridors; community staff: their communities; dispatchers, admins: all)', {
    request: { query: householdListQuery }, responses: { 200: json(registerListResponse, 'Households'), ...readErrors },
  });
  route('post', HOUSEHOLD_PATHS.households, 'Register a household (community staff in their communities, admins); audited', {
    request: { body: jsonBody(createHouseholdBody) },
    responses: { 201: json(registerHouseholdView, 'Registered'), ...errors, 409: problem('The address is already registered in that corridor (`errors` names `address`)') },
  });
  route('patch', HOUSEHOLD_PATHS.household, 'Change a household (community staff in their communities, admins); audited, a change of infection status separately. Open needs follow: the next plan reads the new status', {
    request: { params: householdParams, body: jsonBody(changeHouseholdBody) },
    responses: { 200: json(changedHouseholdResponse, 'Changed'), ...errors, 409: problem('The address is already registered in that corridor') },
  });
  route('post', HOUSEHOLD_PATHS.import,
    'Import a household register file (CSV or .xlsx, by Content-Type), streamed. Rows are matched to households by corridor and address: a re-import updates, never duplicates. '
    + 'All or nothing per file: one refused row and nothing is written, the problem document listing line, column and reason of each (`rows`). '
    + 'Per file because a file is what a community office sends and corrects: the corrected file sent again is always safe, and no file is ever half in. '
    + 'dryRun=true reads the whole file and answers what would be created, updated and refused, writing nothing.', {
      request: {
        query: householdImportQuery,
        body: { content: { 'text/csv': { schema: file }, 'application/csv': { schema: file }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: file } } },
      },
      responses: { 200: json(householdImportResult, 'Imported (or, dry run, what would be)'), ...errors, 422: problem('Refused, nothing written: `rows` lists line, column and reason of each problem') },
    });
}
