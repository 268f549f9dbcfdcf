/**
 * Logins and sessions. A login hands out an opaque random token once; the database keeps only
 * its hash. Every request looks the session up again (no cache), so logout and revocation hold
 * from the very next request. Sessions expire after SESSION_TTL_HOURS without use, and after
 * `maxSessionAgeMs` (default 7 days) however busy: a stolen token kept alive by use still dies.
 *
 * The token reaches the server as a bearer header (API clients) or in the web app's HttpOnly
 * cookie (auth-cookie.ts); the session is the same. `authenticateToken` answers for full sessions
 * only (Socket.IO, everything but the routes below); `authenticateSession` also says whether the
 * account still has to replace an admin-set one-time password, for HTTP to let such a session
 * reach only the password change and logout. Each use is recorded as the session's last use (at
 * most once a minute). Concurrent look-ups share one query (a batch loader: coalesced, never cached).
 */
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { Clock } from '../../shared/clock';
import { findCredentials } from '../../store/account.repository';

import { findLiveSessions, insertSession, listUserSessions, revokeSession, revokeUserSessions, touchSessions, type SessionClient } from '../../store/session.repository';
import { toAuditRow, type AuditService } from './audit.service';
import { createCoalescedLoader } from '../shared/coalesced-loader';
import { decoyHash, hashSessionToken, newSessionToken, verifyPassword } from './auth-secrets';
import type { Db } from '../../store/db';

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  config: { SESSION_TTL_HOURS: number };
  audit: AuditService;
  /** Absolute session lifetime, whatever the use. Default 7 days. */
  maxSessionAgeMs?: number;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: { id: string; role: Actor['role'] };
  /** An admin set the password: the session may only change it (or log out) until then. */
  mustChangePassword: boolean;
}

/** Request context for the audit trail. */
export interface AuthContext {
  reqId?: string | null;
}

export interface AuthenticatedSession {
  actor: Actor;
  mustChangePassword: boolean;
}

/** A live session as an admin sees it: no token, no address. */
export interface SessionSummary {
  id: string;
  client: SessionClient;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

export interface AuthService {
  /** `client`: which kind of client the session is for (`web`: the cookie; default `api`: a bearer token). */
  login(username: string, password: string, ctx?: AuthContext & { client?: SessionClient }): Promise<LoginResult>;
  /** The session behind a token, or null when the token is unknown, expired, revoked or its account disabled. */
  authenticateSession(token: unknown): Promise<AuthenticatedSession | null>;
  /** The actor of a full session: null also while its account must change a one-time password. */
  authenticateToken(token: unknown): Promise<Actor | null>;
  logout(actor: Actor, ctx?: AuthContext): Promise<void>;
  revokeAllSessions(userId: string, by: Actor | null, ctx?: AuthContext): Promise<number>;
  /** Ends every session of the actor's account but the actor's own (after a password change). */
  revokeOtherSessions(actor: Actor): Promise<number>;
  /** The account's live sessions, last used first. */
  listSessions(userId: string): Promise<SessionSummary[]>;
}

/** Record a use (and slide the expiry) at most once a minute per session, not on every request. */
const TOUCH_GRANULARITY_MS = 60_000;
const MAX_TOKEN_LENGTH = 128;

// One message for unknown user, wrong password and disabled account: no user enumeration.
const badCredentials = (): AppError => new AppError('unauthenticated', 'invalid username or password');

export function createAuthService(deps: AuthServiceDeps): AuthService {
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3_600_000;
  const maxAgeMs = deps.maxSessionAgeMs ?? 7 * 24 * 3_600_000;
  const liveSessions = createCoalescedLoader((hashes: string[]) => {
    const now = deps.clock.now();
    return findLiveSessions(deps.db, hashes, now, new Date(now.getTime() - maxAgeMs));
  }, { phase: 'auth.session' });

  // Sessions due a touch at once share one statement: in the district day's first minute an API
  // process recorded 17 uses a second, each its own write and commit the request waited for (issue #21).
  const touches = createCoalescedLoader(async (sessionIds: string[]) => {
    await touchSessions(deps.db, sessionIds, deps.clock.now(), ttlMs, maxAgeMs);
    return new Map<string, never>();
  });

  const authenticateSession = async (token: unknown): Promise<AuthenticatedSession | null> => {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const session = await liveSessions.load(hashSessionToken(token));
    if (!session) return null;
    const now = deps.clock.now();
    // Recorded beside the request, not before it: a write and its commit the request has no use for
    // (district day, issue #21: 40-580 ms of a slow request's time). One that fails is made again by
    // the session's next request, which still sees the old use.
    if (now.getTime() - session.lastUsedAt.getTime() > TOUCH_GRANULARITY_MS) void touches.load(session.sessionId).catch(() => undefined);
    const actor: Actor = {
      userId: session.userId,
      role: session.role,
      sessionId: session.sessionId,
      corridorIds: session.corridorIds,
      communityIds: session.communityIds,
    };
    if (session.householdId) actor.householdId = session.householdId;
    if (session.driverId) actor.driverId = session.driverId;
    return { actor, mustChangePassword: session.mustChangePassword };
  };

  return {
    async login(username, password, ctx = {}) {
      const creds = await findCredentials(deps.db, username.trim());
      // Unknown users cost one scrypt too, so timing does not tell which usernames exist.
      const ok = await verifyPassword(password, creds?.passwordHash ?? (await decoyHash()));
      if (!creds || !ok || creds.disabled) {
        await deps.audit.record({
          actor: null,
          action: 'auth.login',
          subjectType: creds ? 'user' : 'username',
          subjectId: creds ? creds.id : username.trim().toLowerCase(),
          outcome: 'denied',
          reqId: ctx.reqId ?? null,
        });
        throw badCredentials();
      }
      const token = newSessionToken();
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + ttlMs);
      // One statement, the session and its audit row: no transaction holding a pooled connection open (issue #21).
      await insertSession(deps.db, { userId: creds.id, tokenHash: hashSessionToken(token), createdAt: now, expiresAt, client: ctx.client ?? 'api' },
        toAuditRow({ actor: { userId: creds.id, role: creds.role }, action: 'auth.login', subjectType: 'session', outcome: 'allowed', reqId: ctx.reqId ?? null }));
      return { token, expiresAt, user: { id: creds.id, role: creds.role }, mustChangePassword: creds.mustChangePassword };
    },

    authenticateSession,

    async authenticateToken(token) {
      const session = await authenticateSession(token);
      return session && !session.mustChangePassword ? session.actor : null;
    },

    async logout(actor, ctx = {}) {
      if (!actor.sessionId) throw new AppError('unauthenticated', 'no session to log out of');
      await deps.db.transaction().execute(async (trx) => {
        await revokeSession(trx, actor.sessionId as string, deps.clock.now());
        await deps.audit.record(
          { actor, action: 'auth.logout', subjectType: 'session', subjectId: actor.sessionId, outcome: 'allowed', reqId: ctx.reqId ?? null },
          trx,
        );
      });
    },

    async revokeAllSessions(userId, by, ctx = {}) {
      return deps.db.transaction().execute(async (trx) => {
        const count = await revokeUserSessions(trx, userId, deps.clock.now());
        await deps.audit.record(
          { actor: by, action: 'user.sessions.revoke', subjectType: 'user', subjectId: userId, outcome: 'allowed', reqId: ctx.reqId ?? null },
          trx,
        );
        return count;
      });
    },

    async revokeOtherSessions(actor) {
      if (!actor.sessionId) return 0;
      return revokeUserSessions(deps.db, actor.userId, deps.clock.now(), actor.sessionId);
    },

    async listSessions(userId) {
      const now = deps.clock.now();
      return listUserSessions(deps.db, userId, now, new Date(now.getTime() - maxAgeMs));
    },
  };
}
