/**
 * Revoking a session must cut its live connections at once, not at their next reconnection.
 * This wraps the auth service so every logout and "revoke all sessions" also disconnects the
 * matching sockets on every Socket.IO server (through the Redis stream, so it works from any
 * process). Wire it where the auth service is built: `withLiveRevocation(createAuthService(...), publisher)`.
 */
import type { AuthService } from '../access/auth.service';
import type { LivePublisher } from './live.service';

export function withLiveRevocation(auth: AuthService, publisher: Pick<LivePublisher, 'disconnectSession' | 'disconnectUser'>): AuthService {
  return {
    ...auth,
    async logout(actor, ctx) {
      await auth.logout(actor, ctx);
      if (actor.sessionId) await publisher.disconnectSession(actor.sessionId);
    },
    async revokeAllSessions(userId, by, ctx) {
      const count = await auth.revokeAllSessions(userId, by, ctx);
      await publisher.disconnectUser(userId);
      return count;
    },
    // No "all but one session" disconnect exists: the caller's own sockets go too, and reconnect.
    async revokeOtherSessions(actor) {
      const count = await auth.revokeOtherSessions(actor);
      await publisher.disconnectUser(actor.userId);
      return count;
    },
  };
}
