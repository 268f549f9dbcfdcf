/**
 * Security headers on everything the app answers (a page, an API answer, an error), no-store on
 * every /api route but the public documents (read from the app's own router, so a new route is
 * checked without anyone adding it here), HSTS only behind TLS, and CORS only for listed origins.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { PUBLIC_API_PATHS, securityHeaders, tileImageSource } from '../../src/http/security-headers';
import { webRoutes } from '../../src/http/web';
import { listRoutes } from './authz.routes';
import { startWorld, type World } from './auth.fixture';

const TILES = 'https://{s}.tiles.example.org/{z}/{x}/{y}.png';
const PARTNER = 'https://ops.example.org';
let w: World;
let admin: string;

beforeAll(async () => {
  w = await startWorld('sechead', { env: { TILE_URL: TILES, CORS_ORIGINS: PARTNER, TRUST_PROXY: '1' } });
  admin = await w.login('admin');
});
afterAll(async () => w?.close());

function expectHardened(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
  expect(directives.get('default-src'), what).toBe("'self'");
  expect(directives.get('script-src'), what).toBe("'self'");
  expect(directives.get('style-src'), what).toBe("'self'");
  expect(directives.get('script-src-attr'), what).toBe("'none'");
  expect(directives.get('img-src'), what).toBe("'self' data: https://*.tiles.example.org");
  expect(directives.get('connect-src'), what).toBe("'self'");
  expect(directives.get('frame-ancestors'), what).toBe("'none'");
  expect(directives.get('object-src'), what).toBe("'none'");
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('cross-origin-opener-policy'), what).toBe('same-origin');
  expect(res.headers.get('permissions-policy'), what).toMatch(/geolocation=\(self\)/);
  expect(res.headers.get('x-powered-by'), what).toBeNull();
}

describe('security headers', () => {
  it('on a page of the web app, an API answer and an error', async () => {
    // The page: the app's static server in front of a built index.html (the e2e tests load the real build).
    const dir = mkdtempSync(`${tmpdir()}/cordon-web-`);
    writeFileSync(`${dir}/index.html`, '<!doctype html><title>Cordon</title>');
    const web = express();
    web.use(securityHeaders(w.config));
    web.use(webRoutes(w.config, dir));
    const server = web.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const page = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/households/x`);
    server.close();
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expectHardened(page, 'page');

    const answer = await w.request('GET', `/api/households/${w.grid.h1}`, { token: admin });
    expect(answer.status).toBe(200);
    expectHardened(answer, 'API answer');
    expect(answer.headers.get('cache-control')).toBe('no-store');

    const error = await w.request('GET', `/api/households/${w.grid.h1}`);
    expect(error.status).toBe(401);
    expect(error.headers.get('content-type')).toMatch(/problem\+json/);
    expectHardened(error, 'error');
    expect(error.headers.get('cache-control')).toBe('no-store');
    const unknown = await w.request('GET', '/api/no-such-route');
    expect(unknown.status).toBe(404);
    expectHardened(unknown, 'unknown route');
  });

  it('HSTS and upgrade-insecure-requests only when TLS terminates in front (TRUST_PROXY + X-Forwarded-Proto)', async () => {
    const plain = await w.request('GET', '/api/openapi.json');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    const tls = await w.request('GET', '/api/openapi.json', { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(tls.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('every /api route but the public documents answers no-store, whatever its status (routes read from the router)', async () => {
    // Logout last: it ends the admin's session (its answer is checked all the same).
    const routes = listRoutes(w.app)
      .filter((r) => r.path.startsWith('/api/'))
      .sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));
    expect(routes.length).toBeGreaterThan(60);
    const nil = '00000000-0000-4000-8000-000000000000';
    const cacheable: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, nil);
      const res = await w.request(route.method, path, { token: admin, headers: { 'content-type': 'application/json' } });
      await res.arrayBuffer();
      if (res.headers.get('cache-control') !== 'no-store' && !PUBLIC_API_PATHS.has(route.path)) cacheable.push(`${route.method} ${route.path} (${res.status})`);
    }
    expect(cacheable).toEqual([]);
  });

  it('the public documents exempt from no-store are mounted and need no authentication in the OpenAPI document', () => {
    const document = buildOpenApiDocument();
    const mounted = new Set(listRoutes(w.app).map((r) => `${r.method} ${r.path}`));
    for (const path of PUBLIC_API_PATHS) {
      expect(mounted.has(`GET ${path}`), path).toBe(true);
      const op = (document.paths?.[path] as { get?: { security?: unknown[] } } | undefined)?.get;
      expect(op, path).toBeDefined();
      expect(op?.security ?? [], path).toEqual([]);
    }
  });

  it('CORS: headers for a listed origin only, without credentials', async () => {
    const preflight = await w.request('OPTIONS', '/api/corridors', { headers: { origin: PARTNER, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await w.request('GET', '/api/corridors', { token: admin, headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('CORS is off by default', async () => {
    const plain = await startWorld('secheadplain');
    try {
      const res = await plain.request('OPTIONS', '/api/corridors', { headers: { origin: PARTNER, 'access-control-request-method': 'GET' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('a tile URL template becomes its CSP source', () => {
    expect(tileImageSource(undefined)).toBeNull();
    expect(tileImageSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
    expect(tileImageSource('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://*.tile.openstreetmap.org');
    expect(tileImageSource('http://tiles.local:8080/{z}/{x}/{y}.png')).toBe('http://tiles.local:8080');
    expect(() => tileImageSource('https://tiles.{s}.example.org/{z}.png')).toThrow(/first label/);
  });
});
