/**
 * Socket authentication: the same revocable sessions as the API, checked once per connection (and
 * again on every recovery). API clients send their token in `handshake.auth.token`, never the query
 * string (URLs end up in proxy logs); the web app sends nothing itself: the browser adds its
 * HttpOnly session cookie to the WebSocket handshake. A cookie handshake must come from the app's
 * own page (its `Origin` is this server's): another site's page opening a socket with the
 * visitor's cookie (cross-site WebSocket hijacking) is refused, as the HTTP guard refuses its writes.
 */
import type { ExtendedError } from 'socket.io';
import { sessionTokenFromCookies } from '../services/access/auth-cookie';
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

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/**
 * A cookie handshake from a browser page must come from this server's own host (as Go's
 * CrossOriginProtection compares them); no Origin: not a browser, no ambient cookie to abuse.
 */
function sameOrigin(socket: LiveSocket): boolean {
  const origin = first(socket.handshake.headers.origin);
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === socket.handshake.headers.host;
  } catch {
    return false;
  }
}

/**
 * The `__Host-` cookie is what a browser on TLS sends (it only keeps and sends it over TLS); the
 * plain one counts only when the `__Host-` one is absent, i.e. over plain HTTP (or behind a TLS
 * proxy, which Socket.IO cannot see, for a browser that holds no TLS session anyway).
 */
function credential(socket: LiveSocket): string | null {
  const auth: unknown = socket.handshake.auth;
  const given = typeof auth === 'object' && auth !== null && 'token' in auth ? auth.token : undefined;
  if (given !== undefined) return typeof given === 'string' && given.length > 0 && given.length <= 512 ? given : null;
  const header = socket.handshake.headers.cookie;
  const cookie = sessionTokenFromCookies(header, true) ?? (socket.handshake.secure ? null : sessionTokenFromCookies(header, false));
  return cookie && sameOrigin(socket) ? cookie : null;
}

export function authenticateSocket(deps: LiveDeps) {
  return (socket: LiveSocket, next: (err?: ExtendedError) => void): void => {
    const token = credential(socket);
    if (!token) {
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
