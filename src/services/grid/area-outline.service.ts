/**
 * Area outlines from GeoJSON (issue #15, item 1): each feature of a FeatureCollection names an area
 * (by id or name path) and gives its Polygon or MultiPolygon; the geometry is stored on the area.
 * All or nothing: a feature naming no area in use is a 422 naming it; one outside the caller's
 * communities refuses the upload (403, audited). Each outline set is audited.
 */
import type { Actor } from '../../domain/access';
import type { OutlineUpload } from '../../domain/area-admin';
import { AppError, type FieldError } from '../../shared/errors';
import { loadAreaDirectory, lockGrid, setOutline } from '../../store/area-admin.repository';
import { guardDecision, guardRole } from '../access/access-guard';
import { GRID_WRITERS, mayWriteIn } from './area-admin.service';
import { AreaDirectory } from './area-import.columns';
import type { GridDeps } from './grid.service';

export async function setOutlines(deps: GridDeps, actor: Actor, upload: OutlineUpload, reqId?: string): Promise<{ updated: number; cleared: number }> {
  const ctx = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, GRID_WRITERS, 'area.outline', 'area', '*');
  const dir = new AreaDirectory(await loadAreaDirectory(deps.db));
  const errors: FieldError[] = [];
  const targets = upload.features.map((f, i) => {
    const found = f.properties.id !== undefined ? dir.get(f.properties.id.toLowerCase()) : dir.byPathText(f.properties.path ?? '');
    const key = f.properties.id !== undefined ? 'id' : 'path';
    if (found === 'ambiguous') errors.push({ path: ['features', i, 'properties', key], message: 'two areas in use have this name path: use id' });
    else if (!found) errors.push({ path: ['features', i, 'properties', key], message: 'no area in use by this id or name path' });
    return found && found !== 'ambiguous' ? { area: found, geometry: f.geometry } : undefined;
  });
  if (errors.length) throw new AppError('validation', `${errors.length} feature(s) name no area; nothing was stored`, { errors: errors.slice(0, 500) });
  for (const t of targets) if (t) await guardDecision(ctx, actor, mayWriteIn(actor, t.area.communityId), 'area.outline', 'area', t.area.id);
  let updated = 0;
  let cleared = 0;
  await deps.db.transaction().execute(async (trx) => {
    await lockGrid(trx);
    for (const t of targets) {
      if (!t) continue;
      await setOutline(trx, t.area.id, t.geometry);
      if (t.geometry) updated++;
      else cleared++;
    }
    await deps.audit?.recordMany(targets.flatMap((t) => (t ? [{ actor, action: 'area.outline', subjectType: 'area', subjectId: t.area.id, outcome: 'allowed' as const, reqId: reqId ?? null }] : [])), trx);
  });
  return { updated, cleared };
}
