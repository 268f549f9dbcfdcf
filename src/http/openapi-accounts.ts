/** OpenAPI entries of bulk accounts and resident sign-up (accounts.routes.ts). */
import { z } from 'zod';
import { bulkAccountsBody, bulkAccountsResponse, signupBody, signupCodeResponse, signupResponse } from '../contracts/accounts.contract';
import { householdParams } from '../contracts/intake.contract';
import { errors, json, jsonBody, problem, rateLimited, type AddRoute } from './openapi-kit';
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
  route('post', ACCOUNT_PATHS.signupCodes,
    'A sign-up code for a household (its unit chief, its community’s staff, admins), to give the resident in person: single-use, short-lived (SIGNUP_CODE_TTL_MIN), replacing any earlier one. Audited.', {
      request: { params: householdParams },
      responses: { 201: json(signupCodeResponse, 'Issued'), ...errors },
    });
  route('post', ACCOUNT_PATHS.signup,
    'A resident signs up with their phone (the username: its digits), the code their unit chief gave them and a password of their own (15+ characters, not a common one). '
    + 'Failed attempts are rate-limited per address and per phone, and audited.', {
      public: true,
      request: { body: jsonBody(signupBody) },
      responses: {
        201: json(signupResponse, 'Account created; log in with it'),
        ...errors,
        409: problem('The phone has an account already (`errors` names phone); the code stays unused'),
        422: problem('Invalid fields; or the code is wrong, used, replaced or expired (`errors` names code)'),
        ...rateLimited,
      },
    });
}
