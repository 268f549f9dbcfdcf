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
import type { Readable } from 'node:stream';
import type { HouseholdImportResult } from '../../contracts/household.contract';
import type { Actor } from '../../domain/access';
import { loadCorridorDirectory, upsertHouseholds, type RegisterField } from '../../store/household-register.repository';
import { guardRole } from '../access/access-guard';
import type { AuditEntry } from '../access/audit.service';
import { csvRows } from '../shared/table-import/csv-rows';
import { runTableImport, type TableOutcome } from '../shared/table-import/run-import';
import { limitBytes, refuseRows, type RawRow, type TableFormat } from '../shared/table-import/table-rows';
import { xlsxRows } from '../shared/table-import/xlsx-rows';
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

export interface RegisterImportRequest {
  format: TableFormat;
  body: Readable;
  dryRun: boolean;
}

/** Thrown inside the transaction to roll it back, carrying what the run found. */
class RollBack extends Error {
  constructor(readonly outcome: TableOutcome, readonly counts: Counts) {
    super('roll back');
  }
}

interface Counts {
  created: number;
  updated: number;
  infectionStatusChanged: number;
}

export async function importHouseholds(deps: RegisterDeps, actor: Actor, request: RegisterImportRequest, limits: RegisterImportLimits, reqId?: string): Promise<HouseholdImportResult> {
  await guardRole({ audit: deps.audit, reqId }, actor, REGISTER_WRITERS, 'household.import', 'household', '*');
  const corridors = new CorridorIndex(await loadCorridorDirectory(deps.db));
  const rows = readRows(request, limits.maxBytes);
  let fields: RegisterField[] = [];
  const spec = registerTableSpec(actor, corridors, (present) => {
    fields = present;
  });
  const counts: Counts = { created: 0, updated: 0, infectionStatusChanged: 0 };

  let outcome: TableOutcome;
  try {
    outcome = await deps.db.transaction().execute(async (trx) => {
      const sink = {
        async write(batch: { value: RegisterRow }[]) {
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
      };
      const result = await runTableImport(rows, spec, sink, { maxRows: limits.maxRows, batchSize: limits.batchSize ?? 1000 });
      if (request.dryRun || result.problemCount > 0) throw new RollBack(result, counts);
      return result;
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
    outcome = err.outcome;
    if (!request.dryRun) {
      await recordRefusal(deps, actor, outcome, reqId);
      throw refuseRows(outcome.problems, outcome.problemCount);
    }
  }
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

/**
 * The file's rows; the upload starts flowing only when the first row is asked for, so the reader is
 * listening by the time the byte limit can fail the stream.
 */
async function* readRows(request: RegisterImportRequest, maxBytes: number): AsyncGenerator<RawRow> {
  const body = limitBytes(request.body, maxBytes);
  yield* request.format === 'csv' ? csvRows(body) : xlsxRows(body);
}

/** Rows outside the caller's communities are refusals of access too: one audited denial per file. */
async function recordRefusal(deps: RegisterDeps, actor: Actor, outcome: TableOutcome, reqId: string | undefined): Promise<void> {
  if (!outcome.problems.some((p) => p.reason.includes('outside your communities'))) return;
  await deps.audit?.record({ actor, action: 'household.import', subjectType: 'household', subjectId: '*', outcome: 'denied', reqId: reqId ?? null });
}
