/**
 * One uploaded file through the pipeline, all or nothing: read (byte limit, format), check each row,
 * write the good ones in one transaction, and keep the writes only when no row was refused and it
 * is not a dry run. A dry run is the same run, always rolled back, so what it reports is what the
 * import would do, by the same code. The entity's import gives the table spec and the batch writer.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../../../store/db';
import { csvRows } from './csv-rows';
import { runTableImport, type TableOutcome, type TableSpec } from './run-import';
import { limitBytes, refuseRows, type RawRow, type TableFormat } from './table-rows';
import { xlsxRows } from './xlsx-rows';

export interface ImportFileRequest {
  format: TableFormat;
  body: Readable;
  dryRun: boolean;
}

export interface ImportFileLimits {
  /** Largest file, in bytes (413 past it). */
  maxBytes: number;
  /** Most data rows (413 past it). */
  maxRows: number;
  /** Rows per batch handed to the writer. */
  batchSize: number;
}

/** Thrown inside the transaction to roll it back, carrying what the run found. */
class RollBack extends Error {
  constructor(readonly outcome: TableOutcome) {
    super('roll back');
  }
}

/**
 * Runs the file; answers its outcome (a dry run's problems included). A real import with a refused
 * row throws the 422 problem listing line, column and reason, after `onRefused` (e.g. an audited
 * denial) has seen the outcome; nothing is written then.
 */
export async function importTableFile<T>(
  db: Db, request: ImportFileRequest, limits: ImportFileLimits, spec: TableSpec<T>,
  write: (trx: Db, batch: { line: number; value: T }[]) => Promise<void>,
  onRefused?: (outcome: TableOutcome) => Promise<void>,
): Promise<TableOutcome> {
  const rows = readRows(request, limits.maxBytes);
  if (db.isTransaction) {
    // Inside the caller's transaction (the demo seed loading its files): the caller's to keep or roll back.
    if (request.dryRun) throw new Error('a dry run needs a transaction of its own');
    const result = await runTableImport(rows, spec, { write: (batch) => write(db, batch) }, limits);
    if (result.problemCount > 0) throw refuseRows(result.problems, result.problemCount);
    return result;
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await runTableImport(rows, spec, { write: (batch) => write(trx, batch) }, limits);
      if (request.dryRun || result.problemCount > 0) throw new RollBack(result);
      return result;
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
    if (request.dryRun) return err.outcome;
    await onRefused?.(err.outcome);
    throw refuseRows(err.outcome.problems, err.outcome.problemCount);
  }
}

/**
 * The file's rows; the upload starts flowing only when the first row is asked for, so the reader is
 * listening by the time the byte limit can fail the stream.
 */
async function* readRows(request: ImportFileRequest, maxBytes: number): AsyncGenerator<RawRow> {
  const body = limitBytes(request.body, maxBytes);
  yield* request.format === 'csv' ? csvRows(body) : xlsxRows(body);
}
