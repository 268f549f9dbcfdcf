/**
 * /api/openapi.json lists every route the app mounts, read from the app's own router (not from a
 * list kept by hand): a new route without its OpenAPI entry fails here, and so does an entry for a
 * route that no longer exists. The app is built over a query builder that never connects.
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { buildApp } from '../../src/http/app';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import type { Database } from '../../src/store/db';

import { listRoutes } from '../integration/authz.routes';
import type { Tables } from '../../src/store/schema';

const db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const app = buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db, database: { kind: 'pglite' } as unknown as Database, logger: createLogger({ level: 'silent' }), clock: systemClock });
const document = buildOpenApiDocument();

type Operation = { security?: unknown[]; parameters?: { in: string; name: string }[]; requestBody?: unknown };
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })));
const mounted = listRoutes(app).map((r) => ({ ...r, key: `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}` }));

describe('OpenAPI document', () => {
  it('lists every mounted route', () => {
    expect(mounted.length).toBeGreaterThan(60);
    const documented = new Set(operations.map((o) => o.key));
    expect(mounted.map((r) => r.key).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('lists no route the app does not mount', () => {
    const served = new Set(mounted.map((r) => r.key));
    expect(operations.map((o) => o.key).filter((k) => !served.has(k))).toEqual([]);
  });

  it('describes every path parameter of every route', () => {
    const missing = operations.flatMap(({ key, path, op }) => {
      const named = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((p) => !named.has(p)).map((p) => `${key}: ${p}`);
    });
    expect(missing).toEqual([]);
  });

  it('documents the request body of every write that validates one', () => {
    const withBody = ['POST /api/stock/receipts', 'PUT /api/stock/kits/{code}', 'POST /api/rounds', 'POST /api/households/{householdId}/emergencies', 'POST /api/procurement/orders/{orderId}/receipts'];
    for (const key of withBody) expect(operations.find((o) => o.key === key)?.op.requestBody, key).toBeDefined();
  });

  it('asks for a bearer token everywhere except login, resident sign-up, the probes, the document, web config and the pass verification key', () => {
    const open = operations.filter((o) => !o.op.security?.length).map((o) => o.key).sort();
    expect(open).toEqual(['GET /api/openapi.json', 'GET /api/passes/verification-key', 'GET /api/web-config', 'GET /health', 'GET /healthz', 'GET /readyz', 'POST /api/auth/login', 'POST /api/auth/signup']);
  });

  it('asks for the metrics token, not a session, on GET /metrics', () => {
    expect(operations.find((o) => o.key === 'GET /metrics')?.op.security).toEqual([{ metricsToken: [] }]);
  });
});
