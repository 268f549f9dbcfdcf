/**
 * Every security header the service sends, in one place, mounted first by app.ts:
 *
 * - helmet: a strict Content-Security-Policy (scripts, styles, fonts and connections only from
 *   the app's own origin, WebSocket included; no inline script or style; images from the app,
 *   `data:` (Leaflet's icons, the pass QR code) and TILE_URL's origin; no plugins, no <base>,
 *   forms only to the app; `frame-ancestors 'none'`), `X-Content-Type-Options: nosniff`,
 *   `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, `Cross-Origin-Opener-Policy:
 *   same-origin`, `Cross-Origin-Resource-Policy: same-origin`; behind TLS (seen through
 *   TRUST_PROXY's `X-Forwarded-Proto`, or TLS of our own) also HSTS (one year, subdomains) and
 *   `upgrade-insecure-requests`. Over plain HTTP neither: browsers ignore HSTS there, and the
 *   upgrade would break a development server;
 * - `Permissions-Policy`: geolocation for the app itself (the driver's van position), nothing else;
 * - `Cache-Control: no-store` on every /api answer, errors included, except the few public
 *   documents in PUBLIC_API_PATHS: households, needs, passes, batches and accounts must not stay
 *   in a shared phone's cache, and a route added tomorrow is covered without anyone remembering;
 * - CORS only for the origins in CORS_ORIGINS (none by default), without credentials: such
 *   callers use bearer tokens.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../../config/config';

/** /api answers that carry no personal data and may be cached (each is public in the OpenAPI document). */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set(['/api/openapi.json', '/api/web-config', '/api/passes/verification-key']);

/**
 * The CSP source of a tile URL template: its origin, with a `{s}`-style placeholder in the first
 * host label as `*` (`https://{s}.tile.example.org/{z}/{x}/{y}.png` -> `https://*.tile.example.org`).
 * A relative template is the app's own origin: nothing to add.
 */
export function tileImageSource(tileUrl: string | undefined): string | null {
  if (!tileUrl || tileUrl.startsWith('/')) return null;
  const match = /^(https?):\/\/([^/?#]+)/i.exec(tileUrl);
  if (!match) throw new Error('TILE_URL: an http(s) URL template or a path on this server');
  const [first, ...rest] = (match[2] as string).split('.');
  if (rest.some((label) => label.includes('{'))) throw new Error('TILE_URL: a placeholder may stand only in the first label of the host');
  return `${(match[1] as string).toLowerCase()}://${[first?.includes('{') ? '*' : first, ...rest].join('.')}`;
}

/**
 * The queue dashboard (bull-board, /admin/queues) ships a page with a `<base href>` (its scripts and
 * styles are relative to it) and inline styles (its React UI sets style attributes): under it only,
 * `base-uri 'self'` and `style-src 'unsafe-inline'`. Scripts stay the app's own: it has no inline
 * script to allow (its UI configuration is a JSON data block, which CSP does not run).
 */
export const DASHBOARD_CSP_PATH = '/admin/queues';

function helmetFor(tls: boolean, tileSource: string | null, dashboard = false): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: dashboard ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        imgSrc: ["'self'", 'data:', ...(tileSource ? [tileSource] : [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: dashboard ? ["'self'"] : ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: tls ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
  });
}

export function securityHeaders(config: Pick<Config, 'TILE_URL' | 'CORS_ORIGINS'>): RequestHandler[] {
  const tiles = tileImageSource(config.TILE_URL);
  const overTls = helmetFor(true, tiles);
  const plain = helmetFor(false, tiles);
  const dashboard = { tls: helmetFor(true, tiles, true), plain: helmetFor(false, tiles, true) };
  const handlers: RequestHandler[] = [
    (req, res, next) => {
      res.setHeader('Permissions-Policy', 'geolocation=(self), camera=(), microphone=(), payment=(), usb=()');
      if (req.path.startsWith('/api/') && !PUBLIC_API_PATHS.has(req.path)) res.setHeader('Cache-Control', 'no-store');
      if (req.path === DASHBOARD_CSP_PATH || req.path.startsWith(`${DASHBOARD_CSP_PATH}/`)) return (req.secure ? dashboard.tls : dashboard.plain)(req, res, next);
      (req.secure ? overTls : plain)(req, res, next);
    },
  ];
  if (config.CORS_ORIGINS.length > 0) {
    const allowCors = cors({
      origin: [...config.CORS_ORIGINS],
      credentials: false,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'accept', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['location', 'idempotent-replayed', 'retry-after', 'ratelimit', 'ratelimit-policy', 'x-request-id'],
      maxAge: 600,
    });
    handlers.push((req, res, next) => (req.path.startsWith('/api/') ? allowCors(req, res, next) : next()));
  }
  return handlers;
}
