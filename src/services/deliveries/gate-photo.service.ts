/**
 * Photos taken at the gate (issue #17, item 6): of a failed door or of a handoff, attached to a stop
 * (and a household when given). The type is read from the bytes (JPEG, PNG, WebP), not trusted from
 * the request; the size is bounded by the upload limit. A photo is served only to those who may
 * see its stop: whoever may act at the corridor's gate, and the driver of the stop's trip. Its row
 * is written before its bytes: a row whose bytes are missing answers 503, never someone else's file.
 */
import { createHash } from 'node:crypto';
import { canAccessCorridor, canAccessDriver, type Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import { findPhoto, insertPhoto } from '../../store/gate-checkoff.repository';
import { gateStopForUpdate, needsAtStop } from '../../store/handoff.repository';
import { localPhotoStore, type PhotoStore } from '../../store/photo-store';

export { localPhotoStore, type PhotoStore };
import { corridorGuard, type HandoffDeps } from './gate-handoff.service';
import type { AuditService } from '../access/audit.service';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The image type of these bytes by their signature, or undefined for anything else. */
export function sniffPhotoType(b: Buffer): PhotoType | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export interface PhotoDeps extends HandoffDeps { photos: PhotoStore }

export interface PhotoView { id: string; stopId: string; householdId: string | null; contentType: string; bytes: number; href: string }

export const photoHref = (corridorId: string, stopId: string, id: string): string => `/api/corridors/${corridorId}/deliveries/${stopId}/photos/${id}`;

export async function attachPhoto(deps: PhotoDeps, actor: Actor, corridorId: string, stopId: string, householdId: string | undefined, declared: string | undefined, bytes: Buffer, reqId?: string): Promise<PhotoView> {
  await corridorGuard(deps, actor, corridorId, 'delivery.photo_attached', reqId);
  const type = sniffPhotoType(bytes);
  if (!type || declared !== type) throw new AppError('unsupported_media_type', `send a JPEG, PNG or WebP photo with its own Content-Type (got ${declared ?? 'none'}${type ? `, bytes of ${type}` : ''})`);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await gateStopForUpdate(trx, corridorId, stopId))) throw new AppError('not_found', 'no stop of a dispatched round at this corridor has this id');
    if (householdId && !(await needsAtStop(trx, stopId)).some((n) => n.householdId === householdId)) throw new AppError('not_found', 'this household has no bags at this stop');
  });
  const meta = await insertPhoto(deps.db, { stopId, householdId: householdId ?? null, contentType: type, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), actorId: actor.userId });
  // Metadata first: a row whose bytes never landed serves 404, while bytes without a row would be unreachable and never cleaned.
  await deps.photos.put(meta.id, bytes);
  await deps.audit?.record({ actor, action: 'delivery.photo_attached', subjectType: 'stop', subjectId: stopId, outcome: 'allowed', reqId: reqId ?? null });
  return { id: meta.id, stopId, householdId: meta.householdId, contentType: type, bytes: meta.bytes, href: photoHref(corridorId, stopId, meta.id) };
}

/** The photo's bytes and type, for those who may see its stop; 404 for a photo of another stop or corridor. */
export async function readPhoto(deps: { db: HandoffDeps['db']; audit: AuditService | undefined; photos: PhotoStore }, actor: Actor, corridorId: string, stopId: string, photoId: string, reqId?: string): Promise<{ contentType: string; bytes: Buffer }> {
  const photo = await findPhoto(deps.db, photoId);
  if (!photo || photo.corridorId !== corridorId || photo.stopId !== stopId) throw new AppError('not_found', 'photo not found');
  const mayCorridor = canAccessCorridor(actor, photo.corridorId, photo.communityId ?? '');
  const mayDriver = photo.driverId !== null && actor.role === 'driver' && canAccessDriver(actor, photo.driverId);
  if (!mayCorridor && !mayDriver) {
    await deps.audit?.record({ actor, action: 'delivery.photo_read', subjectType: 'photo', subjectId: photoId, outcome: 'denied', reqId: reqId ?? null });
    throw new AppError('forbidden', 'not allowed: delivery.photo_read');
  }
  // The row says it was taken: storage without its bytes is a storage fault, not a missing photo.
  const bytes = await deps.photos.get(photo.id);
  if (!bytes) throw new AppError('unavailable', 'the photo is not in storage right now');
  return { contentType: photo.contentType, bytes };
}
