/**
 * What the desk reads about rounds beyond planning them (issue #17): the list of rounds and the
 * printed paper of a round (route sheets, loading lists, bag labels as PDF).
 */
import { Router, type RequestHandler } from 'express';
import { roundListQuery } from '../../contracts/round-list.contract';
import { roundList } from '../../services/rounds/round-list.service';
import type { Db } from '../../store/db';
import { actorOf, requireRole } from '../auth';
import { queryParams } from '../validate';

export const ROUND_DESK_PATHS = {
  list: '/api/rounds',
} as const;

export interface RoundDeskDeps {
  db: Db;
}

export function roundDeskRoutes(deps: RoundDeskDeps, authenticated: RequestHandler): Router {
  const router = Router();

  router.get(ROUND_DESK_PATHS.list, authenticated, requireRole('dispatcher', 'admin', 'community_staff'), async (req, res) => {
    res.json(await roundList(deps.db, actorOf(res), queryParams(req, roundListQuery)));
  });

  return router;
}
