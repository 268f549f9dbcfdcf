/**
 * The grid import (issue #15, item 1): a CSV or .xlsx file of areas, one row per area, through the
 * shared table-import pipeline. Rows match areas in use by parent and name, so a file imported
 * again updates coordinates and never duplicates. All or nothing per file, like the register: a
 * grid file is the district's or a community's layout, and half a layout would leave corridors
 * without their building; sending the corrected file again is always safe. Dry run: the same run,
 * rolled back.
 */
import type { Readable } from 'node:stream';
import type { Actor } from '../../domain/access';
import { areaNameKey } from '../../domain/area-admin';
import { AppError, type RowError } from '../../shared/errors';
import { countTakenNames, insertAreas, loadAreaDirectory, lockGrid, updateAreaCoordinates, type AreaEntry } from '../../store/area-admin.repository';
import type { Db } from '../../store/db';
import { guardRole } from '../access/access-guard';
import type { AuditEntry } from '../access/audit.service';
import { importTableFile } from '../shared/table-import/import-file';
import type { TableFormat } from '../shared/table-import/table-rows';
import { GRID_WRITERS } from './area-admin.service';
import { AreaDirectory, gridTableSpec, type GridRow } from './area-import.columns';
import type { GridDeps } from './grid.service';

export interface GridImportLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most data rows per file. */
  maxRows: number;
}

export interface GridImportResult {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  problems: RowError[];
}

export async function importGrid(
  deps: GridDeps, actor: Actor, request: { format: TableFormat; body: Readable; dryRun: boolean }, limits: GridImportLimits, reqId?: string,
): Promise<GridImportResult> {
  await guardRole({ audit: deps.audit, reqId }, actor, GRID_WRITERS, 'area.import', 'area', '*');
  const dir = new AreaDirectory(await loadAreaDirectory(deps.db));
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const entry = (action: string, id: string): AuditEntry => ({ actor, action, subjectType: 'area', subjectId: id, outcome: 'allowed', reqId: reqId ?? null });
  let locked = false;

  const write = async (trx: Db, batch: { value: GridRow }[]) => {
    if (!locked) {
      await lockGrid(trx);
      locked = true;
    }
    const creates: AreaEntry[] = [];
    const updates: { id: string; lat: number | null; lon: number | null }[] = [];
    for (const { value: r } of batch) {
      if (r.op === 'create') creates.push(r.area);
      else if (r.op === 'update') updates.push(r);
      else counts.unchanged++;
    }
    // Rows were checked against the grid as read before the lock: another writer may have added a name since.
    if ((await countTakenNames(trx, creates.map((a) => ({ parentId: a.parentId, nameKey: areaNameKey(a.name) })))) > 0) {
      throw new AppError('conflict', 'the grid changed while the file was read (an area of the same name was added): send the file again');
    }
    await insertAreas(trx, creates);
    await updateAreaCoordinates(trx, updates);
    counts.created += creates.length;
    counts.updated += updates.length;
    await deps.audit?.recordMany([...creates.map((a) => entry('area.create', a.id)), ...updates.map((u) => entry('area.update', u.id))], trx);
  };
  const onRefused = async (outcome: { problems: RowError[] }) => {
    // Rows outside the caller's communities are refusals of access too: one audited denial per file.
    if (outcome.problems.some((p) => p.reason.includes('outside your communities'))) {
      await deps.audit?.record({ actor, action: 'area.import', subjectType: 'area', subjectId: '*', outcome: 'denied', reqId: reqId ?? null });
    }
  };
  const outcome = await importTableFile(deps.db, request, { ...limits, batchSize: 1000 }, gridTableSpec(actor, dir), write, onRefused);
  if (request.dryRun) await deps.audit?.record({ actor, action: 'area.import.dry_run', subjectType: 'area', subjectId: '*', outcome: 'allowed', reqId: reqId ?? null });
  return {
    dryRun: request.dryRun, rows: outcome.rows, ...counts, refused: outcome.refusedRows, problems: request.dryRun ? outcome.problems : [],
  };
}
