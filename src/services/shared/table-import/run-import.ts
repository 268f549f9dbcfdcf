/**
 * The import pipeline's middle: header check, per-row check, batches to a sink, report. Generic
 * over what a row becomes (`T`); the entity's import (households now, grid and fleet later) gives
 * the columns, the row check and the sink.
 */
import { AppError, type RowError } from '../../../shared/errors';
import { isCleanText, UNCLEAN_TEXT_MESSAGE } from '../../../shared/text';
import { REPORT_CAP, TableFormatError, refuseRows, type RawRow } from './table-rows';

/** A row's cells by (lower-cased) column name. */
export type Cells = Readonly<Record<string, string>>;

export interface TableSpec<T> {
  /** Column names the table may have (lower case). */
  columns: readonly string[];
  /** Problems of the header as a whole, given the columns present (e.g. a required one missing). */
  checkHeader(present: ReadonlySet<string>): { column: string | null; reason: string }[];
  /** One row as its value, or its problems (column named, value never echoed). */
  checkRow(cells: Cells, line: number): T | RowError[];
}

export interface TableSink<T> {
  write(batch: { line: number; value: T }[]): Promise<void>;
}

export interface TableLimits {
  /** Most data rows (413 past it). */
  maxRows: number;
  /** Rows per sink call. */
  batchSize: number;
}

export interface TableOutcome {
  /** Data rows read. */
  rows: number;
  /** The first REPORT_CAP problems. */
  problems: RowError[];
  problemCount: number;
  /** Rows with at least one problem. */
  refusedRows: number;
}

/**
 * Reads every row of `rows` (header first), checks it, and writes the good ones in batches: also
 * after a bad row, so a dry run counts everything and the report lists every problem of the file.
 * Whether the writes stand (no problems) or are rolled back is the caller's decision.
 * A file unreadable as its format is refused (422) naming the line.
 */
export async function runTableImport<T>(rows: AsyncIterable<RawRow>, spec: TableSpec<T>, sink: TableSink<T>, limits: TableLimits): Promise<TableOutcome> {
  const problems: RowError[] = [];
  let problemCount = 0;
  let refusedRows = 0;
  const report = (errs: readonly RowError[]) => {
    problemCount += errs.length;
    for (const e of errs) if (problems.length < REPORT_CAP) problems.push(e);
  };
  let columns: string[] | undefined;
  let headerLine = 0;
  let count = 0;
  let batch: { line: number; value: T }[] = [];
  try {
    for await (const row of rows) {
      if (!columns) {
        headerLine = row.line;
        columns = row.values.map((c) => c.trim().toLowerCase());
        const errs: RowError[] = [];
        // An unknown header is named by its position: its text is the sender's, never echoed.
        columns.forEach((c, i) => {
          if (!spec.columns.includes(c)) errs.push({ line: row.line, column: null, reason: `unknown column (column ${i + 1} of the header); expected: ${spec.columns.join(', ')}` });
          else if (columns?.indexOf(c) !== i) errs.push({ line: row.line, column: c, reason: 'column given twice' });
        });
        errs.push(...spec.checkHeader(new Set(columns)).map((e) => ({ line: row.line, ...e })));
        if (errs.length) throw refuseRows(errs);
        continue;
      }
      if (++count > limits.maxRows) throw new AppError('payload_too_large', `at most ${limits.maxRows} rows per import`);
      const cells: Record<string, string> = {};
      const unclean: RowError[] = [];
      columns.forEach((c, i) => {
        const v = row.values[i] ?? '';
        if (!isCleanText(v)) unclean.push({ line: row.line, column: c, reason: UNCLEAN_TEXT_MESSAGE });
        cells[c] = v;
      });
      if (row.values.length > columns.length && row.values.slice(columns.length).some((v) => v !== '')) {
        unclean.push({ line: row.line, column: null, reason: `more cells than the header's ${columns.length} columns` });
      }
      const checked = unclean.length ? unclean : spec.checkRow(cells, row.line);
      if (Array.isArray(checked)) {
        report(checked);
        refusedRows++;
        continue;
      }
      batch.push({ line: row.line, value: checked as T });
      if (batch.length >= limits.batchSize) {
        await sink.write(batch);
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof TableFormatError) throw refuseRows([{ line: err.line, column: null, reason: err.reason }]);
    throw err;
  }
  if (!columns) throw refuseRows([{ line: 1, column: null, reason: 'the file is empty: expected a header line' }]);
  if (count === 0) throw refuseRows([{ line: headerLine, column: null, reason: 'no data rows' }]);
  if (batch.length) await sink.write(batch);
  return { rows: count, problems, problemCount, refusedRows };
}
