/**
 * The workers process's own small HTTP listener (WORKER_PROBE_PORT, on HOST), for its orchestrator
 * and Prometheus, answering exactly as the API does on the same paths:
 * - GET /healthz: 200 while the process runs (nothing checked);
 * - GET /readyz: 200 when the database and Redis answer, the database is at the latest migration and
 *   every BullMQ worker can take jobs; else 503 naming the failing checks;
 * - GET /metrics: this process's metrics for the METRICS_TOKEN bearer (401 without, 403 another;
 *   404 while METRICS_TOKEN is unset).
 * Anything else is a 404 (405 for another method on these paths), as problem+json. node:http, not
 * Express: the workers have no HTTP API, and three fixed paths need no router.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsAccess } from '../src/services/ops/metrics-access';
import type { Readiness } from '../src/services/ops/readiness.service';
import type { Logger } from '../src/shared/logger';
import type { Metrics } from '../src/shared/metrics';
import { listenOrExplain } from '../src/startup-errors';

export interface ProbeServerOptions {
  port: number;
  host: string;
  readiness: Readiness;
  metrics: Metrics;
  metricsToken: string | undefined;
  logger: Logger;
}

export interface ProbeServer {
  port: number;
  close(): Promise<void>;
}

const TITLES: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };

function problem(res: ServerResponse, url: string, status: number, code: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type: `/problems/${code}`, title: TITLES[status] ?? 'Error', status, detail, instance: url, code }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function answer(options: ProbeServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') return problem(res, path, 404, 'not_found', `no route for ${req.method} ${path}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return problem(res, path, 405, 'method_not_allowed', `${path} answers GET only`);
  }
  if (path === '/healthz') return json(res, 200, { status: 'alive' });
  if (path === '/readyz') {
    const ready = await options.readiness.run();
    return json(res, ready.status === 'ready' ? 200 : 503, ready);
  }
  switch (metricsAccess(options.metricsToken, req.headers.authorization)) {
    case 'disabled':
      return problem(res, path, 404, 'not_found', `no route for GET ${path}`);
    case 'unauthenticated':
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      return problem(res, path, 401, 'unauthenticated', 'send the METRICS_TOKEN as a bearer token');
    case 'forbidden':
      return problem(res, path, 403, 'forbidden', 'not the metrics token');
    case 'allowed':
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(await options.metrics.registry.metrics());
  }
}

/** Listens, or throws a one-line StartupError naming WORKER_PROBE_PORT (port taken, no privilege, bad HOST). */
export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const server = createServer((req, res) => {
    answer(options, req, res).catch((err: unknown) => {
      options.logger.error({ err }, 'probe request failed');
      if (!res.headersSent) problem(res, req.url ?? '/', 500, 'internal', 'internal error');
      else res.destroy();
    });
  });
  // Probes come every few seconds from the same client: keep its connection, not a socket per probe.
  server.keepAliveTimeout = 65_000;
  await listenOrExplain(server, options.port, options.host, 'WORKER_PROBE_PORT');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
