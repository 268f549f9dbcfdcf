/** OpenAPI entries of the probes and the metrics (routes/ops.routes.ts). */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { livenessResponse, readinessResponse } from '../contracts/health.contract';
import { json, problem } from './openapi-kit';
import { OPS_PATHS } from './routes/ops.routes';

export function registerOpsRoutes(r: OpenAPIRegistry): void {
  r.registerPath({ method: 'get', path: OPS_PATHS.healthz, summary: 'Liveness: the process answers (no dependency checked)', responses: { 200: json(livenessResponse, 'Alive') } });
  r.registerPath({
    method: 'get', path: OPS_PATHS.readyz, summary: 'Readiness: database, Redis, migrations at head (and the workers, where they run in this process)',
    responses: { 200: json(readinessResponse, 'Ready'), 503: json(readinessResponse, 'Not ready: `failing` names the checks that failed') },
  });
  const metricsToken = r.registerComponent('securitySchemes', 'metricsToken', { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN setting' });
  r.registerPath({
    method: 'get', path: OPS_PATHS.metrics, summary: 'Prometheus metrics of this process (text exposition format)', security: [{ [metricsToken.name]: [] }],
    responses: {
      200: { description: 'Metrics', content: { 'text/plain; version=0.0.4': { schema: z.string() } } },
      401: problem('No bearer token'),
      403: problem('Not the metrics token'),
      404: problem('Metrics are off (METRICS_TOKEN is unset)'),
    },
  });
}
