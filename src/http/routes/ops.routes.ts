/**
 * Probes and metrics of an API process (the workers' probe port answers the same three paths):
 * - GET /healthz: alive (the process answers); checks nothing, so a Redis outage never restarts it;
 * - GET /readyz: 200 when the database and Redis answer and the database is at this code's latest
 *   migration (and, with WORKERS=inline, the workers run), else 503 naming the failing checks;
 * - GET /metrics: Prometheus exposition, for the METRICS_TOKEN bearer only (401 without a token, 403
 *   with another); 404 while METRICS_TOKEN is unset.
 * GET /health stays as it was (health.routes.ts) for callers that use it.
 */
import { Router } from 'express';
import type { Config } from '../../../config/config';
import { metricsAccess } from '../../services/ops/metrics-access';
import type { Readiness } from '../../services/ops/readiness.service';
import { AppError } from '../../shared/errors';

export const OPS_PATHS = { healthz: '/healthz', readyz: '/readyz', metrics: '/metrics' } as const;

export interface OpsRouteDeps {
  config: Pick<Config, 'METRICS_TOKEN'>;
  readiness: Readiness;
  /** The exposition text of this process (or, in an API cluster, of every process). */
  exposition: () => Promise<{ contentType: string; text: string }>;
}

export function opsRoutes(deps: OpsRouteDeps): Router {
  const router = Router();
  router.get(OPS_PATHS.healthz, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'alive' });
  });
  router.get(OPS_PATHS.readyz, async (_req, res) => {
    const answer = await deps.readiness.run();
    res.setHeader('Cache-Control', 'no-store');
    res.status(answer.status === 'ready' ? 200 : 503).json(answer);
  });
  router.get(OPS_PATHS.metrics, async (req, res) => {
    switch (metricsAccess(deps.config.METRICS_TOKEN, req.get('authorization'))) {
      case 'disabled':
        throw new AppError('not_found', `no route for GET ${OPS_PATHS.metrics}`);
      case 'unauthenticated':
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthenticated', 'send the METRICS_TOKEN as a bearer token');
      case 'forbidden':
        throw new AppError('forbidden', 'not the metrics token');
      case 'allowed': {
        const { contentType, text } = await deps.exposition();
        res.setHeader('Cache-Control', 'no-store');
        res.type(contentType).send(text);
      }
    }
  });
  return router;
}
