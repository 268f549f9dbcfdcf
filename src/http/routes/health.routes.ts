/** Liveness and readiness: answers 200 when the database (and Redis, when used) answer, else 503. */
import { Router } from 'express';
import type { AppDeps } from '../deps';

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

async function check(run: () => Promise<unknown>): Promise<'ok' | 'down'> {
  try {
    await within(2000, run());
    return 'ok';
  } catch {
    return 'down';
  }
}

export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [db, redis] = await Promise.all([
      check(() => deps.database.ping()),
      deps.redis ? check(() => deps.redis!.ping()) : Promise.resolve('not_configured' as const),
    ]);
    const ok = db === 'ok' && redis !== 'down';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks: { db, redis }, database: deps.database.kind });
  });
  return router;
}
