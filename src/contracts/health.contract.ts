/** The answer of GET /health (health.routes.ts): 200 when the database (and Redis, when used) answer, else 503. */
import { z } from 'zod';

export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({
    db: z.enum(['ok', 'down']),
    /** `not_configured`: the process runs without Redis. */
    redis: z.enum(['ok', 'down', 'not_configured']),
  }),
  /** PostgreSQL, or PGlite when DATABASE_URL is unset. */
  database: z.enum(['postgres', 'pglite']),
}).meta({ id: 'Health' });

/** GET /healthz (API and workers): the process is alive; no dependency is checked. */
export const livenessResponse = z.object({ status: z.literal('alive') }).meta({ id: 'Liveness' });

/**
 * GET /readyz (API and workers): 200 when every check passes, else 503 naming the failing ones.
 * Checks: `database` (answers), `redis` (answers), `migrations` (the database is at this code's
 * latest migration) and, where the process runs BullMQ workers, `workers` (each is running, not
 * paused, and its Redis connection answers).
 */
export const readinessResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
  /** The checks that failed, by name (empty when ready). */
  failing: z.array(z.string()),
}).meta({ id: 'Readiness' });
export type ReadinessResponse = z.infer<typeof readinessResponse>;
