/**
 * Authentication and authorization middleware.
 *
 *   router.get('/households/:householdId', requireAuth(deps), async (req, res) => {
 *     const scope = await accessOf(res).household(req.params.householdId, 'household.read');
 *     ...
 *   });
 *
 * `requireAuth` resolves the session to an Actor on every request (no cache: a logout or
 * revocation holds from the next request) and puts it in `res.locals.actor`, with the request's
 * access checks in `res.locals.access`. The session comes from `Authorization: Bearer <token>`
 * (API clients) or, without that header, from the web app's HttpOnly session cookie (whose
 * cross-site use the app-wide guard in cross-site.ts refuses). A session whose account must still
 * replace an admin-set password gets 403 `password_change_required`, except on the routes that
 * opt in (the change itself, logout). `requireRole` refuses other roles (403, audited).
 * `authorizeHousehold` checks a path parameter before the handler runs.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Actor, HouseholdScope, Role } from '../domain/access';
import { createAuditService } from '../services/access/audit.service';
import { sessionCookieName, sessionCookieOptions, sessionTokenFromCookies } from '../services/access/auth-cookie';
import { createAuthService, type AuthService } from '../services/access/auth.service';
import { accessFor, type Access } from '../services/access/authorization.service';
import { AppError } from '../shared/errors';
import type { AppDeps } from './deps';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by requireAuth. */
      actor?: Actor;
      /** Set by requireAuth: access checks bound to the actor and request id. */
      access?: Access;
      /** Set by authorizeHousehold. */
      householdScope?: HouseholdScope;
    }
  }
}

/** The request id `requestLog` gave this request (`req.id`), for the audit trail. */
export function requestId(req: Request): string | null {
  return req.id ?? null;
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
  return match?.[1] ?? null;
}

/** The request's session token: the bearer header when there is one, else the session cookie. */
export function sessionToken(req: Request): { token: string; via: 'bearer' | 'cookie' } | null {
  if (req.get('authorization') !== undefined) {
    const token = bearerToken(req);
    return token ? { token, via: 'bearer' } : null;
  }
  const token = sessionTokenFromCookies(req.get('cookie'), req.secure);
  return token ? { token, via: 'cookie' } : null;
}

/** Sets the web app's session cookie (HttpOnly, SameSite=Strict, Secure behind TLS). */
export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(sessionCookieName(req.secure), token, sessionCookieOptions(req.secure));
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(sessionCookieName(req.secure), sessionCookieOptions(req.secure));
}

const unauthenticated = (req: Request, res: Response, via: 'bearer' | 'cookie' | undefined): AppError => {
  res.setHeader('WWW-Authenticate', 'Bearer');
  // A dead cookie is dropped, so the browser stops sending it.
  if (via === 'cookie') clearSessionCookie(req, res);
  return new AppError('unauthenticated', 'a valid bearer token or session cookie is required');
};

export interface RequireAuthOptions {
  /** Let a session whose account must replace an admin-set password through (the change itself, logout). Default false. */
  allowPasswordChange?: boolean;
}

export function requireAuth(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, auth?: AuthService, options: RequireAuthOptions = {}): RequestHandler {
  const audit = createAuditService(deps);
  const sessions = auth ?? createAuthService({ ...deps, audit });
  return async (req, res, next) => {
    const credential = sessionToken(req);
    let session: Awaited<ReturnType<AuthService['authenticateSession']>> = null;
    try {
      session = credential ? await sessions.authenticateSession(credential.token) : null;
    } catch (err) {
      // The session store did not answer: say so (503), rather than "internal error" or a 401
      // that would send every client back to the login page.
      throw new AppError('unavailable', 'sessions cannot be checked right now; retry shortly', { cause: err });
    }
    if (!session) throw unauthenticated(req, res, credential?.via);
    if (session.mustChangePassword && !options.allowPasswordChange) {
      throw new AppError('password_change_required', 'this account has a one-time password: change it first (POST /api/auth/password)');
    }
    const actor: Actor = session.actor;
    res.locals.actor = actor;
    res.locals.access = accessFor({ db: deps.db, audit }, actor, requestId(req));
    next();
  };
}

export function actorOf(res: Response): Actor {
  if (!res.locals.actor) throw new AppError('unauthenticated', 'a valid bearer token is required');
  return res.locals.actor;
}

export function accessOf(res: Response): Access {
  if (!res.locals.access) throw new AppError('unauthenticated', 'a valid bearer token is required');
  return res.locals.access;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses every other role with 403, audited as `METHOD /route/path`.
 * A successful write through it is recorded too, as that same route-level action with its first
 * id parameter as subject (e.g. 'round' for `:roundId`), once the response is out: who called
 * which privileged route stays on record even where a use case records nothing of its own. Use
 * cases still record their domain action inside their transaction (e.g. 'user.create').
 */
export function requireRole(...roles: Role[]): RequestHandler {
  return async (req, res, next) => {
    const action = `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`;
    const access = accessOf(res);
    await access.role(roles, action);
    if (!READ_METHODS.has(req.method)) {
      res.once('finish', () => {
        if (res.statusCode >= 400) return;
        const [param, value] = Object.entries(req.params)[0] ?? [];
        const subjectType = param ? param.replace(/Id$/, '') : 'route';
        access.allowed(action, subjectType, typeof value === 'string' ? value : null).catch((err: unknown) => {
          req.log?.error({ err }, 'audit of a write failed');
        });
      });
    }
    next();
  };
}

const paramOf = (req: Request, name: string): string => {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
};

/** Checks the household named by a path parameter; its scope lands in `res.locals.householdScope`. */
export function authorizeHousehold(param: string, action: string): RequestHandler {
  return async (req, res, next) => {
    res.locals.householdScope = await accessOf(res).household(paramOf(req, param), action);
    next();
  };
}
