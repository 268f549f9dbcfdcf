/** Bulk CSV import of needs for a corridor (coordinators' door-to-door tables). */
import express, { Router, type RequestHandler } from 'express';
import { corridorParams } from '../../contracts/intake.contract';
import type { IntakeDeps } from '../../services/needs/intake.service';
import { importNeeds } from '../../services/needs/needs-import.service';
import { AppError } from '../../shared/errors';
import { actorOf, requestId } from '../auth';
import { idempotencyOf } from '../idempotency-key';
import { pathParams } from '../validate';
import { sendWrite } from './needs.routes';

export const IMPORT_PATH = '/api/corridors/:corridorId/needs/import';

export interface ImportSettings {
  bodyLimitBytes: number;
  maxRows: number;
}

export function needsImportRoutes(svc: IntakeDeps, authenticated: RequestHandler, intakeLimit: RequestHandler, settings: ImportSettings): Router {
  const router = Router();
  const csvBody = express.text({ type: ['text/csv', 'application/csv'], limit: settings.bodyLimitBytes });

  router.post(IMPORT_PATH, authenticated, intakeLimit, csvBody, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    if (!req.is(['text/csv', 'application/csv']) || typeof req.body !== 'string') {
      throw new AppError('unsupported_media_type', 'send the table as text/csv');
    }
    const ctx = { reqId: requestId(req) ?? undefined, idempotency: idempotencyOf(req, req.body) };
    sendWrite(res, await importNeeds(svc, actorOf(res), corridorId, req.body, { maxRows: settings.maxRows }, ctx));
  });

  return router;
}
