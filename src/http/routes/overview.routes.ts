/** The district at a glance (issue #17, item 3): dispatchers and admins, community staff for their communities. */
import { Router, type RequestHandler } from 'express';
import { overviewQuery } from '../../contracts/overview.contract';
import { overview, type OverviewDeps } from '../../services/overview/overview.service';
import { actorOf, requireRole } from '../auth';
import { queryParams } from '../validate';

export const OVERVIEW_PATH = '/api/overview';

export function overviewRoutes(deps: OverviewDeps, authenticated: RequestHandler): Router {
  const router = Router();
  router.get(OVERVIEW_PATH, authenticated, requireRole('dispatcher', 'admin', 'community_staff'), async (req, res) => {
    res.json(await overview(deps, actorOf(res), queryParams(req, overviewQuery)));
  });
  return router;
}
