/**
 * The register import (issue #15, item 2): a CSV or .xlsx file streamed through the table-import
 * pipeline into batched upserts (1,000 rows per statement), matched to existing households by
 * corridor and address key, so importing a file again updates and never duplicates.
 *
 * All or nothing per file: the whole file runs in one transaction and any refused row rolls it all
 * back, with the report (line, column, reason) in the problem document. A file is what a community
 * office sends and fixes; taking part of it would leave the office guessing which rows are in, and
 * since a re-import only updates, sending the corrected file again is always safe. A dry run is the
 * same run, always rolled back: what it reports is what the import would do, by the same code.
 */
import type { HouseholdImportResult } from '../../contracts/household.contract';
import type { Actor } from '../../domain/access';
import { loadCorridorDirectory, upsertHouseholds, type RegisterField } from '../../store/household-register.repository';
import { analyzeIfGrown } from '../../store/table-stats';
import { guardRole } from '../access/access-guard';
import type { AuditEntry } from '../access/audit.service';
import { importTableFile, type ImportFileRequest } from '../shared/table-import/import-file';
import type { TableOutcome } from '../shared/table-import/run-import';
import { CorridorIndex, registerTableSpec, type RegisterRow } from './household-import.columns';
import { REGISTER_WRITERS, type RegisterDeps } from './household-register.service';

export interface RegisterImportLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most data rows per file. */
  maxRows: number;
  /** Rows per upsert statement. Default 1,000. */
  batchSize?: number;
}

export type RegisterImportRequest = ImportFileRequest;

export async function importHouseholds(deps: RegisterDeps, actor: Actor, request: RegisterImportRequest, limits: RegisterImportLimits, reqId?: string): Promise<HouseholdImportResult> {
  await guardRole({ audit: deps.audit, reqId }, actor, REGISTER_WRITERS, 'household.import', 'household', '*');
  const corridors = new CorridorIndex(await loadCorridorDirectory(deps.db));
  let fields: RegisterField[] = [];
  const spec = registerTableSpec(actor, corridors, (present) => {
    fields = present;
  });
  // Counted as batches are written; a run rolled back (dry run) still reports them.
  const counts = { created: 0, updated: 0, infectionStatusChanged: 0 };

  const outcome = await importTableFile(deps.db, request, { maxBytes: limits.maxBytes, maxRows: limits.maxRows, batchSize: limits.batchSize ?? 1000 }, spec,
    async (trx, batch: { value: RegisterRow }[]) => {
      const written = await upsertHouseholds(trx, batch.map((b) => b.value.fields), fields);
      const audits: AuditEntry[] = [];
      for (const h of written) {
        if (h.created) counts.created++;
        else counts.updated++;
        audits.push({ actor, action: h.created ? 'household.create' : 'household.update', subjectType: 'household', subjectId: h.id, outcome: 'allowed', reqId: reqId ?? null });
        if (h.infectionStatusBefore !== null && h.infectionStatusBefore !== h.infectionStatus) {
          counts.infectionStatusChanged++;
          audits.push({ actor, action: 'household.infection_status.change', subjectType: 'household', subjectId: h.id, outcome: 'allowed', reqId: reqId ?? null });
        }
      }
      await deps.audit?.recordMany(audits, trx);
    },
    (refused) => recordRefusal(deps, actor, refused, reqId));
  // A district's register arrives in one file: plan the entitlements and rounds over it on fresh statistics.
  if (!request.dryRun) await analyzeIfGrown(deps.db, 'households', counts.created);
  if (request.dryRun) await deps.audit?.record({ actor, action: 'household.import.dry_run', subjectType: 'household', subjectId: '*', outcome: 'allowed', reqId: reqId ?? null });
  return {
    dryRun: request.dryRun,
    rows: outcome.rows,
    created: counts.created,
    updated: counts.updated,
    unchanged: outcome.rows - outcome.refusedRows - counts.created - counts.updated,
    refused: outcome.refusedRows,
    infectionStatusChanged: counts.infectionStatusChanged,
    problems: request.dryRun ? outcome.problems : [],
  };
}

/** Rows outside the caller's communities are refusals of access too: one audited denial per file. */
async function recordRefusal(deps: RegisterDeps, actor: Actor, outcome: TableOutcome, reqId: string | undefined): Promise<void> {
  if (!outcome.problems.some((p) => p.reason.includes('outside your communities'))) return;
  await deps.audit?.record({ actor, action: 'household.import', subjectType: 'household', subjectId: '*', outcome: 'denied', reqId: reqId ?? null });
}
