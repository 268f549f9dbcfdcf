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
