/**
 * Times every request into `cordon_http_request_duration_seconds`, labelled by method, status and
 * route template (Express 5's `req.route.path` under its router's `req.baseUrl`, e.g.
 * `/api/households/:householdId/needs`), never the raw URL: ids in paths would make a series per
 * household. A request no route answered is `(unmatched)` (404s, refused before routing) or
 * `(static)` (the web app's files).
 */
import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../shared/metrics';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function routeLabel(req: Pick<Request, 'route' | 'baseUrl'>, status: number): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}` || '/';
  // The web app's page fallback is a pattern route: every deep link is the one page.
  if (path instanceof RegExp) return '(web app)';
  return status < 400 ? '(static)' : '(unmatched)';
}

export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      const status = res.statusCode;
      const labels = { method: METHODS.has(req.method) ? req.method : 'OTHER', route: routeLabel(req, status), status: String(status) };
      metrics.httpRequestDuration.observe(labels, (performance.now() - started) / 1000);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
