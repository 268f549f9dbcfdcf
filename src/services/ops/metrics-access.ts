/**
 * Who may read GET /metrics (API and workers): only a scraper holding METRICS_TOKEN, sent as
 * `Authorization: Bearer <token>`. Unset: the endpoint does not exist (404), so a forgotten token
 * never leaves the metrics open. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsAccess = 'allowed' | 'disabled' | 'unauthenticated' | 'forbidden';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function metricsAccess(token: string | undefined, authorization: string | undefined): MetricsAccess {
  if (!token) return 'disabled';
  const sent = authorization ? /^Bearer (\S+)$/i.exec(authorization.trim())?.[1] : undefined;
  if (!sent) return 'unauthenticated';
  // Hashes of equal length, so the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(sent), digest(token)) ? 'allowed' : 'forbidden';
}
