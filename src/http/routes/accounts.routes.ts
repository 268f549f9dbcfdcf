/**
 * Accounts in bulk and resident sign-up (issue #15, item 5): an admin creates the grid's accounts;
 * a unit chief asks for a household's sign-up code; the resident signs up with it (public, rate-limited). Mounted at the app root: the paths
 * below are complete.
 *
 * The bulk answer is JSON, or with `Accept: application/pdf` the printable sheet (a page per
 * community). Either way it is the only time the one-time passwords are shown.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { bulkAccountsBody, signupBody } from '../../contracts/accounts.contract';
import { householdParams } from '../../contracts/intake.contract';
import { createAccountsInBulk } from '../../services/access/account-bulk.service';
import { renderAccountSheet, resolveSheetFont } from '../../services/access/account-sheet.pdf';
import type { AuditService } from '../../services/access/audit.service';
import { issueSignupCode, signUpResident } from '../../services/access/resident-signup.service';
import type { Config } from '../../../config/config';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { actorOf, requestId } from '../auth';
import { signupRateLimit, type RateLimitDeps } from '../rate-limit';
import { jsonBody, pathParams } from '../validate';

export const ACCOUNT_PATHS = {
  bulk: '/api/admin/accounts/bulk',
  signupCodes: '/api/households/:householdId/signup-codes',
  signup: '/api/auth/signup',
} as const;

export interface AccountRouteDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  config: Pick<Config, 'ACCOUNT_SHEET_FONT' | 'SIGNUP_CODE_TTL_MIN'>;
  /** The sign-up rate limit's store and settings (the login's). */
  rateLimit: RateLimitDeps;
}

const wantsPdf = (req: Request): boolean => req.accepts(['application/json', 'application/pdf']) === 'application/pdf';

export function accountRoutes(deps: AccountRouteDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const signup = { ...deps, codeTtlMin: deps.config.SIGNUP_CODE_TTL_MIN };

  router.post(ACCOUNT_PATHS.bulk, authenticated, async (req, res) => {
    const body = jsonBody(req, bulkAccountsBody);
    const actor = actorOf(res);
    const reqId = requestId(req) ?? undefined;
    if (!wantsPdf(req)) {
      const { result } = await createAccountsInBulk(deps, actor, body, { reqId });
      return void res.status(201).json(result);
    }
    // Before anything is made: no font, no sheet, no accounts whose passwords nobody would see.
    const font = actor.role === 'admin' ? resolveSheetFont(deps.config.ACCOUNT_SHEET_FONT) : undefined;
    const at = deps.clock.now();
    const { rendered } = await createAccountsInBulk(deps, actor, body, { reqId, render: (result) => renderAccountSheet(result, font ?? resolveSheetFont(), { at }) });
    res.status(201).type('application/pdf').setHeader('Content-Disposition', `attachment; filename="accounts-${at.toISOString().slice(0, 10)}.pdf"`);
    res.end(rendered);
  });

  router.post(ACCOUNT_PATHS.signupCodes, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    const issued = await issueSignupCode(signup, actorOf(res), householdId, requestId(req) ?? undefined);
    res.status(201).json({ code: issued.code, expiresAt: issued.expiresAt.toISOString() });
  });

  router.post(ACCOUNT_PATHS.signup, ...signupRateLimit(deps.rateLimit), async (req, res) => {
    const body = jsonBody(req, signupBody);
    res.status(201).json(await signUpResident(signup, body, requestId(req) ?? undefined));
  });

  return router;
}
