/**
 * CSRF protection for the web app's cookie session, from the browser's own word on where a request
 * comes from (Fetch Metadata, as OWASP recommends and Go 1.25's CrossOriginProtection does), so no
 * token has to be threaded through every form:
 *
 * - reads (GET, HEAD, OPTIONS) pass: they change nothing;
 * - a request with an `Authorization` header passes: browsers never add one on their own, so it
 *   was sent on purpose (API clients, the benchmarks, another origin allowed by CORS_ORIGINS);
 * - otherwise, when the browser says `Sec-Fetch-Site`, only `same-origin` (and `none`, a person's
 *   own navigation) pass: `cross-site` and `same-site` (a sibling subdomain) are refused;
 * - a browser too old for Fetch Metadata still sends `Origin` on writes: it must be this server's
 *   own origin;
 * - with neither header the caller is no browser (curl, a script): no ambient cookie to abuse.
 *
 * Origins listed in CORS_ORIGINS pass too. Login is covered as well (no one is logged into someone
 * else's account from another site). The session cookie is also SameSite=Strict: this guard is
 * the second lock, and the one that holds for browsers that ignore SameSite.
 */
import type { Request, RequestHandler } from 'express';
import { AppError } from '../shared/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** This server's own origin as the browser saw it (scheme from `req.protocol`, which honours TRUST_PROXY). */
const ownOrigin = (req: Request): string => `${req.protocol}://${req.get('host') ?? ''}`;

/** Why the request is refused, or null to let it through. */
export function crossSiteRefusal(req: Request, allowedOrigins: ReadonlySet<string>): string | null {
  if (SAFE_METHODS.has(req.method) || req.get('authorization') !== undefined) return null;
  const origin = req.get('origin');
  if (origin !== undefined && allowedOrigins.has(origin)) return null;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : `a ${site} request`;
  if (origin === undefined) return null;
  return origin === ownOrigin(req) ? null : 'a request from another origin';
}

export function crossSiteGuard(config: { CORS_ORIGINS: readonly string[] }): RequestHandler {
  const allowed = new Set(config.CORS_ORIGINS);
  return (req, _res, next) => {
    const refusal = crossSiteRefusal(req, allowed);
    if (refusal) throw new AppError('forbidden', `${refusal} may not change anything here (cross-site request forgery protection)`);
    next();
  };
}
