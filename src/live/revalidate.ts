/**
 * Sessions are checked at connection, but a live socket can stay open for hours: every few minutes
 * each socket's session is checked again (which also slides its idle expiry, as API use does).
 * A session that expired or was revoked without the live hook (e.g. directly in the database) is
 * disconnected; an actor whose assignments shrank leaves the scopes it may no longer join.
 */
import { parseScope, type Scope } from '../contracts/events';
import { canJoinScope } from '../services/live-status/live-access.service';
import type { LiveDeps, LiveSocket } from './types';

export function revalidatePeriodically(socket: LiveSocket, token: string, deps: LiveDeps, everyMs: number): void {
  async function check(): Promise<void> {
    const actor = await deps.authenticate(token);
    if (!actor || actor.sessionId !== socket.data.sessionId) {
      socket.disconnect(true);
      return;
    }
    socket.data.actor = actor;
    for (const room of socket.rooms) {
      const parsed = parseScope(room);
      if (!parsed || parsed.kind === 'session') continue;
      if (!(await canJoinScope(actor, room as Scope, deps.directory))) await socket.leave(room);
    }
  }
  // Jitter, so thousands of sockets connected at once do not all check at the same moment.
  const timer = setTimeout(function tick() {
    check()
      .catch((err: unknown) => deps.logger.warn({ err }, 'live: session re-check failed'))
      .finally(() => {
        if (socket.connected) timer.refresh();
      });
  }, everyMs * (0.75 + Math.random() * 0.5));
  timer.unref();
  socket.once('disconnect', () => clearTimeout(timer));
}
