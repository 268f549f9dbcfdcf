/**
 * Socket authentication: the same revocable session tokens as the API, checked once per connection
 * (and again on every recovery). The token comes from `handshake.auth.token`, never the query string
 * (URLs end up in proxy logs).
 */
import type { ExtendedError } from 'socket.io';
import type { LiveDeps, LiveSocket } from './types';

function refusal(message: 'unauthenticated' | 'unavailable'): ExtendedError {
  return new Error(message);
}

/**
 * Each socket's token, to check its session again later. Not in `socket.data`: connection state
 * recovery persists that to Redis, and a credential has no business sitting there.
 */
const tokens = new WeakMap<LiveSocket, string>();

export function tokenOf(socket: LiveSocket): string | undefined {
  return tokens.get(socket);
}

export function authenticateSocket(deps: LiveDeps) {
  return (socket: LiveSocket, next: (err?: ExtendedError) => void): void => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null && 'token' in auth ? auth.token : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) {
      next(refusal('unauthenticated'));
      return;
    }
    deps.authenticate(token).then(
      (actor) => {
        if (!actor?.sessionId) return next(refusal('unauthenticated'));
        socket.data.actor = actor;
        socket.data.sessionId = actor.sessionId;
        tokens.set(socket, token);
        next();
      },
      (err: unknown) => {
        deps.logger.warn({ err }, 'live: session check failed');
        next(refusal('unavailable'));
      },
    );
  };
}
