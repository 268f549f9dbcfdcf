/**
 * Photos at the gate (issue #17, item 6): the unit chief attaches one to a failed door or a handoff
 * (the image as the raw body, JPEG, PNG or WebP, at most GATE_PHOTO_MAX_BYTES); those who may see
 * the stop read it back.
 */
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { gateStopParams } from '../../contracts/handoff.contract';
import { attachPhoto, PHOTO_TYPES, readPhoto, type PhotoDeps } from '../../services/deliveries/gate-photo.service';
import { actorOf } from '../auth';
import { pathParams, queryParams } from '../validate';

export const GATE_PHOTO_PATHS = {
  photos: '/api/corridors/:corridorId/deliveries/:stopId/photos',
  photo: '/api/corridors/:corridorId/deliveries/:stopId/photos/:photoId',
} as const;

export const photoQuery = z.strictObject({ householdId: z.uuid().optional().describe('The household whose door the photo shows; none: the stop (a handoff)') });
export const photoParams = gateStopParams.extend({ photoId: z.uuid() });

export function gatePhotoRoutes(deps: PhotoDeps, authenticated: RequestHandler, options: { maxBytes: number }): Router {
  const router = Router();
  const raw = express.raw({ type: [...PHOTO_TYPES], limit: options.maxBytes });

  router.post(GATE_PHOTO_PATHS.photos, authenticated, raw, async (req, res) => {
    const { corridorId, stopId } = pathParams(req, gateStopParams);
    const { householdId } = queryParams(req, photoQuery);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const photo = await attachPhoto(deps, actorOf(res), corridorId, stopId, householdId, req.get('content-type')?.split(';')[0]?.trim().toLowerCase(), bytes, String(req.id));
    res.status(201).location(photo.href).json({ photo });
  });

  router.get(GATE_PHOTO_PATHS.photo, authenticated, async (req, res) => {
    const { corridorId, stopId, photoId } = pathParams(req, photoParams);
    const photo = await readPhoto(deps, actorOf(res), corridorId, stopId, photoId, String(req.id));
    res.type(photo.contentType).setHeader('Cache-Control', 'private, no-store');
    res.send(photo.bytes);
  });

  return router;
}
