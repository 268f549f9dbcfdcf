/** OpenAPI entries of bulk accounts and resident sign-up (accounts.routes.ts). */
import { z } from 'zod';
import { bulkAccountsBody, bulkAccountsResponse } from '../contracts/accounts.contract';
import { errors, jsonBody, problem, type AddRoute } from './openapi-kit';
import { ACCOUNT_PATHS } from './routes/accounts.routes';

const pdf = z.string().describe('PDF: a page per community with username, role, corridors and one-time password');

export function registerAccountBulkRoutes(route: AddRoute): void {
  route('post', ACCOUNT_PATHS.bulk,
    'Create accounts from the grid (admin): a unit chief for each corridor under the area that has none (or per group of corridorsPerChief corridors of one community) and the staff each community lacks. '
    + 'Idempotent: run again, it creates only what is missing, never a second chief for a corridor. Each account has a one-time password to change at first login, shown only in this answer '
    + '(JSON, or with Accept: application/pdf the printable sheet) and stored hashed. Audited.', {
      request: { body: jsonBody(bulkAccountsBody) },
      responses: {
        201: { description: 'Created (possibly none)', content: { 'application/json': { schema: bulkAccountsResponse }, 'application/pdf': { schema: pdf } } },
        ...errors,
        503: problem('The sheet was asked for and no CJK font is installed (nothing created)'),
      },
    });
}
