/**
 * Login, logout, who am I, change my password; and the admin's account management: create
 * accounts, set their assignments, see and revoke their sessions, read the audit log. Mounted at
 * the app root (`app.use(authRoutes(deps))`): the paths below are complete.
 *
 * Login answers a bearer token (API clients), or with `session: "cookie"` (the web app) sets the
 * HttpOnly session cookie and answers no token at all, so no script on the page ever holds one.
 */
import { Router, type Request } from 'express';
import type { Actor } from '../../domain/access';
import { createAuditService } from '../../services/access/audit.service';
import { createAccount, getAccount, resetPassword, setAccountDisabled, setAssignments, type Account } from '../../services/access/auth-accounts.service';
import { changeOwnPassword } from '../../services/access/auth-password.service';
import { createAuthService, type AuthService } from '../../services/access/auth.service';
import { AppError } from '../../shared/errors';
import { actorOf, clearSessionCookie, requestId, requireAuth, requireRole, setSessionCookie } from '../auth';
import { assignmentsBody, auditQuery, changePasswordBody, disabledBody, loginBody, newAccountBody, passwordBody } from '../auth.schemas';
import { jsonBody, queryParams } from '../validate';
import type { AppDeps } from '../deps';
import { loginRateLimit, passwordChangeRateLimit } from '../rate-limit';

export const AUTH_PATHS = {
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  changePassword: '/api/auth/password',
  users: '/api/admin/users',
  user: '/api/admin/users/:userId',
  assignments: '/api/admin/users/:userId/assignments',
  revokeSessions: '/api/admin/users/:userId/revoke-sessions',
  sessions: '/api/admin/users/:userId/sessions',
  disabled: '/api/admin/users/:userId/disabled',
  password: '/api/admin/users/:userId/password',
  audit: '/api/admin/audit',
} as const;

const accountJson = (a: Account) => ({
  id: a.id,
  username: a.username,
  role: a.role,
  disabled: a.disabled,
  mustChangePassword: a.mustChangePassword,
  createdAt: a.createdAt.toISOString(),
  assignments: a.assignments,
});

const userIdParam = (req: Request): string => String(req.params.userId ?? '');

/**
 * @param auth the session service to use; default a plain one. Pass a wrapped one (e.g. one that
 *   also disconnects live sockets on logout and revocation) to have these routes go through it.
 */
export function authRoutes(deps: AppDeps, auth: AuthService = createAuthService({ ...deps, audit: createAuditService(deps) })): Router {
  const audit = createAuditService(deps);
  const authenticated = requireAuth(deps, auth);
  // The routes a session with an admin-set one-time password may still reach.
  const evenBeforePasswordChange = requireAuth(deps, auth, { allowPasswordChange: true });
  const adminOnly = [authenticated, requireRole('admin')];
  const ctx = (req: Request, by: Actor | null = null) => ({ by, reqId: requestId(req) });
  const router = Router();

  router.post(AUTH_PATHS.login, ...loginRateLimit(deps), async (req, res) => {
    const body = jsonBody(req, loginBody);
    const cookie = body.session === 'cookie';
    const result = await auth.login(body.username, body.password, { reqId: requestId(req), client: cookie ? 'web' : 'api' });
    res.setHeader('Cache-Control', 'no-store');
    const common = { expiresAt: result.expiresAt.toISOString(), user: result.user, mustChangePassword: result.mustChangePassword };
    if (!cookie) return void res.json({ token: result.token, tokenType: 'Bearer', ...common });
    setSessionCookie(req, res, result.token);
    res.json({ tokenType: 'Cookie', ...common });
  });

  router.post(AUTH_PATHS.logout, evenBeforePasswordChange, async (req, res) => {
    await auth.logout(actorOf(res), { reqId: requestId(req) });
    clearSessionCookie(req, res);
    // The browser drops what it may have cached for this origin (our API answers are no-store already).
    res.setHeader('Clear-Site-Data', '"cache"');
    res.status(204).end();
  });

  router.post(AUTH_PATHS.changePassword, evenBeforePasswordChange, ...passwordChangeRateLimit(deps), async (req, res) => {
    const body = jsonBody(req, changePasswordBody);
    const actor = actorOf(res);
    await changeOwnPassword(deps, actor, body, { reqId: requestId(req) }).catch((err: unknown) => {
      // For the rate limit: only a wrong current password is a guess.
      if (err instanceof AppError && err.errors?.some((e) => e.path[0] === 'currentPassword')) res.locals.wrongPassword = true;
      throw err;
    });
    // The other sessions ended with the change; through `auth` their live sockets are cut too.
    await auth.revokeOtherSessions(actor);
    res.status(204).end();
  });

  router.get(AUTH_PATHS.me, authenticated, async (_req, res) => {
    const actor = actorOf(res);
    const account = await getAccount(deps, actor.userId);
    if (!account) throw new AppError('unauthenticated', 'account no longer exists');
    res.json({
      id: actor.userId,
      username: account.username,
      role: actor.role,
      householdId: actor.householdId ?? null,
      corridorIds: actor.corridorIds,
      communityIds: actor.communityIds,
      driverId: actor.driverId ?? null,
    });
  });

  router.post(AUTH_PATHS.users, ...adminOnly, async (req, res) => {
    const body = jsonBody(req, newAccountBody);
    const account = await createAccount(deps, body, ctx(req, actorOf(res)));
    res.status(201).location(AUTH_PATHS.user.replace(':userId', account.id)).json(accountJson(account));
  });

  router.get(AUTH_PATHS.user, ...adminOnly, async (req, res) => {
    const account = await getAccount(deps, userIdParam(req));
    if (!account) throw new AppError('not_found', 'account not found');
    res.json(accountJson(account));
  });

  router.put(AUTH_PATHS.assignments, ...adminOnly, async (req, res) => {
    const body = jsonBody(req, assignmentsBody);
    res.json(accountJson(await setAssignments(deps, userIdParam(req), body, ctx(req, actorOf(res)))));
  });

  router.post(AUTH_PATHS.revokeSessions, ...adminOnly, async (req, res) => {
    const userId = userIdParam(req);
    if (!(await getAccount(deps, userId))) throw new AppError('not_found', 'account not found');
    const revoked = await auth.revokeAllSessions(userId, actorOf(res), { reqId: requestId(req) });
    res.json({ revoked });
  });

  router.get(AUTH_PATHS.sessions, ...adminOnly, async (req, res) => {
    const userId = userIdParam(req);
    if (!(await getAccount(deps, userId))) throw new AppError('not_found', 'account not found');
    const sessions = await auth.listSessions(userId);
    res.json({
      sessions: sessions.map((s) => ({ id: s.id, client: s.client, createdAt: s.createdAt.toISOString(), lastUsedAt: s.lastUsedAt.toISOString(), expiresAt: s.expiresAt.toISOString() })),
    });
  });

  // Disabling and password resets end the account's sessions in their own transaction; the
  // revocation through `auth` then also cuts live connections when `auth` is wrapped to do so.
  router.put(AUTH_PATHS.disabled, ...adminOnly, async (req, res) => {
    const { disabled } = jsonBody(req, disabledBody);
    const account = await setAccountDisabled(deps, userIdParam(req), disabled, ctx(req, actorOf(res)));
    if (disabled) await auth.revokeAllSessions(account.id, actorOf(res), { reqId: requestId(req) });
    res.json(accountJson(account));
  });

  router.put(AUTH_PATHS.password, ...adminOnly, async (req, res) => {
    const { password } = jsonBody(req, passwordBody);
    await resetPassword(deps, userIdParam(req), password, ctx(req, actorOf(res)));
    await auth.revokeAllSessions(userIdParam(req), actorOf(res), { reqId: requestId(req) });
    res.status(204).end();
  });

  router.get(AUTH_PATHS.audit, ...adminOnly, async (req, res) => {
    const { after, ...filter } = queryParams(req, auditQuery);
    const items = await audit.list({ ...filter, ...(after ? { afterId: after } : {}) });
    res.json({ items: items.map((r) => ({ ...r, at: r.at.toISOString() })) });
  });

  return router;
}
