/**
 * What the desk reads about rounds beyond planning them (issue #17): the list of rounds and the
 * printed paper of a round (route sheets, loading lists, bag labels as PDF, in Chinese or English).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { bagLabelsQuery, loadingListQuery, roundTripParams, routeSheetQuery } from '../../contracts/round-paper.contract';
import { roundListQuery } from '../../contracts/round-list.contract';
import { roundParams } from '../../contracts/rounds.contract';
import { pickPaperLang } from '../../services/rounds/paper-texts';
import { bagLabels, loadingList, routeSheet, type Paper } from '../../services/rounds/round-paper.service';
import { roundList } from '../../services/rounds/round-list.service';
import type { Db } from '../../store/db';
import { accessOf, actorOf, requireRole } from '../auth';
import { pathParams, queryParams } from '../validate';

export const ROUND_DESK_PATHS = {
  list: '/api/rounds',
  routeSheet: '/api/rounds/:roundId/trips/:tripId/route-sheet.pdf',
  loadingList: '/api/rounds/:roundId/loading-list.pdf',
  bagLabels: '/api/rounds/:roundId/bag-labels.pdf',
} as const;

export interface RoundDeskDeps {
  db: Db;
  /** ACCOUNT_SHEET_FONT, the CJK font the printed paper is set in; default: Debian's WenQuanYi. */
  font?: string | undefined;
}

const langOf = (req: Request, lang: 'en' | 'zh-CN' | undefined) => pickPaperLang(lang, (langs) => req.acceptsLanguages(...langs));

function sendPdf(res: Response, paper: Paper): void {
  res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${paper.filename}"`);
  res.send(paper.pdf);
}

export function roundDeskRoutes(deps: RoundDeskDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const printer = [authenticated, requireRole('dispatcher', 'admin')];

  router.get(ROUND_DESK_PATHS.list, authenticated, requireRole('dispatcher', 'admin', 'community_staff'), async (req, res) => {
    res.json(await roundList(deps.db, actorOf(res), queryParams(req, roundListQuery)));
  });

  // Drivers print their own trip's sheet: the service checks the trip's driver.
  router.get(ROUND_DESK_PATHS.routeSheet, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, roundTripParams);
    const { lang } = queryParams(req, routeSheetQuery);
    sendPdf(res, await routeSheet(deps, accessOf(res), roundId, tripId, langOf(req, lang)));
  });

  router.get(ROUND_DESK_PATHS.loadingList, ...printer, async (req, res) => {
    const { roundId } = pathParams(req, roundParams);
    const { depotId, lang } = queryParams(req, loadingListQuery);
    sendPdf(res, await loadingList(deps, accessOf(res), roundId, depotId, langOf(req, lang)));
  });

  router.get(ROUND_DESK_PATHS.bagLabels, ...printer, async (req, res) => {
    const { roundId } = pathParams(req, roundParams);
    const { tripId, lang } = queryParams(req, bagLabelsQuery);
    sendPdf(res, await bagLabels(deps, accessOf(res), roundId, tripId, langOf(req, lang)));
  });

  return router;
}
