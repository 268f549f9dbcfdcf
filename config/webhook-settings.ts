/**
 * The outbound webhooks' settings (issue #19, item 1), part of the one config schema (config.ts
 * spreads them in), kept apart so the webhook code's settings read as one block.
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export const webhookSettings = {
  /**
   * Receivers trusted despite the SSRF rules, comma-separated `host` or `host:port` (no port: every
   * port): for these, loopback, private and link-local addresses and plain http are allowed.
   * Default none.
   */
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .transform((v) => v.split(',').map((h) => h.trim()).filter((h) => h.length > 0))
    .pipe(z.array(z.string().regex(HOST_PORT, 'a comma-separated list of host or host:port, e.g. hooks.internal:8443,10.1.2.3')))
    .default([]),
  /** Longest wait in ms for a receiver's whole answer; later counts as a failed attempt. Default 10000. */
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Failed attempts in a row after which an endpoint is disabled (an admin switches it back on). Default 20. */
  WEBHOOK_MAX_FAILURES: int(1, 1000).default(20),
  /** Wait in ms before the first retry, doubled at each further failure up to WEBHOOK_BACKOFF_MAX_MS. Default 10000. */
  WEBHOOK_BACKOFF_MS: int(10, 3_600_000).default(10_000),
  /** Longest wait in ms between two attempts. Default 3600000 (20 failures then span about 12 hours). */
  WEBHOOK_BACKOFF_MAX_MS: int(10, 86_400_000).default(3_600_000),
  /** Ms between the workers' looks for endpoints with deliveries due. Default 1000. */
  WEBHOOK_POLL_MS: int(10, 60_000).default(1000),
  /** Endpoints served at once by each workers process (each endpoint one delivery at a time). Default 4. */
  WEBHOOK_CONCURRENCY: int(1, 100).default(4),
  /** Days delivered deliveries stay in the delivery log (pending ones stay until sent). Default 14. */
  WEBHOOK_LOG_DAYS: int(1, 3650).default(14),
};
