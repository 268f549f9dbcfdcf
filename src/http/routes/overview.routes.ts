/**
 * The district at a glance (issue #17, item 3): dispatchers and admins, community staff for their
 * communities; and the needs list of a community, the records behind the overview's need figures.
 */
import { Router, type RequestHandler } from 'express';
import { communityParams } from '../../contracts/intake.contract';
import { needListQuery } from '../../contracts/need-list.contract';
import { overviewQuery } from '../../contracts/overview.contract';
import { communityNeedList } from '../../services/needs/need-list.service';
import { overview, type OverviewDeps } from '../../services/overview/overview.service';
import { accessOf, actorOf, requireRole } from '../auth';
import { pathParams, queryParams } from '../validate';

export const OVERVIEW_PATH = '/api/overview';
export const NEED_LIST_PATH = '/api/communities/:communityId/needs';

export function overviewRoutes(deps: OverviewDeps, authenticated: RequestHandler): Router {
  const router = Router();
  router.get(OVERVIEW_PATH, authenticated, requireRole('dispatcher', 'admin', 'community_staff'), async (req, res) => {
    res.json(await overview(deps, actorOf(res), queryParams(req, overviewQuery)));
  });
  router.get(NEED_LIST_PATH, authenticated, async (req, res) => {
    const { communityId } = pathParams(req, communityParams);
    res.json(await communityNeedList(deps.db, accessOf(res), communityId, queryParams(req, needListQuery)));
  });
  return router;
}
