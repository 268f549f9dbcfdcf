/**
 * Accounts in bulk and resident sign-up (issue #15, item 5). Mounted at the app root: the paths
 * below are complete.
 *
 * The bulk answer is JSON, or with `Accept: application/pdf` the printable sheet (a page per
 * community). Either way it is the only time the one-time passwords are shown.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { bulkAccountsBody } from '../../contracts/accounts.contract';
import { createAccountsInBulk } from '../../services/access/account-bulk.service';
import { renderAccountSheet, resolveSheetFont } from '../../services/access/account-sheet.pdf';
import type { AuditService } from '../../services/access/audit.service';
import type { Config } from '../../../config/config';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { actorOf, requestId } from '../auth';
import { jsonBody } from '../validate';

export const ACCOUNT_PATHS = {
  bulk: '/api/admin/accounts/bulk',
} as const;

export interface AccountRouteDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  config: Pick<Config, 'ACCOUNT_SHEET_FONT'>;
}

const wantsPdf = (req: Request): boolean => req.accepts(['application/json', 'application/pdf']) === 'application/pdf';

export function accountRoutes(deps: AccountRouteDeps, authenticated: RequestHandler): Router {
  const router = Router();

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

  return router;
}
