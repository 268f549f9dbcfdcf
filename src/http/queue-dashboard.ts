/**
 * The queue dashboard: bull-board over every BullMQ queue, under /admin/queues, for admins only
 * (their web session cookie or bearer token; 401 without a session, 403 for any other role, audited).
 *
 * Read-only by default: bull-board's readOnlyMode hides every action, and only reads (GET) get through.
 * With QUEUE_DASHBOARD_RETRY=on, admins may retry failed jobs (one, or all of a queue's failed ones)
 * and nothing else: clean, remove, pause, promote, add, obliterate stay refused here (403) whatever
 * the page offers, and each retry is audited like any admin write (requireRole).
 *
 * Mounted as bull-board's own Express sub-app (app.use wraps it in a function), so the API's route
 * listing (OpenAPI coverage, the authorization matrix) does not take its JSON routes for Cordon's API.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express, RequestHandler } from 'express';
import { QUEUE, type QueueName } from '../contracts/jobs';
import type { Producers } from '../queue/producers';
import { AppError } from '../shared/errors';
import { requireRole } from './auth';
import { DASHBOARD_CSP_PATH } from './security-headers';

/** Where the dashboard is served (its CSP is relaxed there: security-headers.ts). */
export const QUEUE_DASHBOARD_PATH = DASHBOARD_CSP_PATH;

/** The dashboard's retry calls: all failed jobs of a queue, or one job. */
const RETRY = [/^\/api\/queues\/[^/]+\/retry\/failed$/, /^\/api\/queues\/[^/]+\/[^/]+\/retry$/];

export function mountQueueDashboard(app: Express, producers: Pick<Producers, 'queue'>, authenticated: RequestHandler, options: { allowRetries: boolean }): void {
  const server = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = (Object.values(QUEUE) as QueueName[]).map((q) =>
    new BullMQAdapter(producers.queue(q), options.allowRetries ? { allowRetries: true } : { readOnlyMode: true }));
  createBullBoard({ queues, serverAdapter: server, options: { uiConfig: { boardTitle: 'Cordon queues' } } });
  const onlyReads: RequestHandler = (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    if (options.allowRetries && req.method === 'PUT' && RETRY.some((r) => r.test(req.path))) return next();
    next(new AppError('forbidden', options.allowRetries ? 'the queue dashboard only retries failed jobs' : 'the queue dashboard is read-only (QUEUE_DASHBOARD_RETRY=on lets admins retry failed jobs)'));
  };
  app.use(QUEUE_DASHBOARD_PATH, authenticated, requireRole('admin'), onlyReads, server.getRouter() as Express);
}
