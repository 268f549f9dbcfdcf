/**
 * The web app's session cookie: the same opaque session token as a bearer token, carried in an
 * HttpOnly, SameSite=Strict cookie that no script on the page can read. Behind TLS it is
 * `__Host-cordon_session` (the browser then insists on Secure, Path=/ and no Domain, so a sibling
 * subdomain cannot plant or overwrite it); over plain HTTP (development, tests) `cordon_session`.
 * HTTP (src/http/auth.ts) and Socket.IO (src/live/auth.middleware.ts) read it through here, so
 * both pick the same cookie the same way.
 */
import { parseCookie } from 'cookie';

export const SESSION_COOKIE = 'cordon_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * The session token in a `Cookie` header, or null. Over TLS only the `__Host-` cookie counts: a
 * plain one there could have been planted by a sibling subdomain or over plain HTTP.
 */
export function sessionTokenFromCookies(header: string | undefined, secure: boolean): string | null {
  if (!header) return null;
  const value = parseCookie(header)[sessionCookieName(secure)];
  return value && value.length > 0 ? value : null;
}

/** What the cookie is set with (express's `res.cookie` options); no Max-Age: the server decides expiry. */
export function sessionCookieOptions(secure: boolean): { httpOnly: true; sameSite: 'strict'; secure: boolean; path: '/' } {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/' };
}
