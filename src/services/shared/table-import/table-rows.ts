/**
 * One import pipeline for every table a district office sends (the household register now, the
 * grid and the fleet next): a format reader turns the uploaded stream into rows of text cells
 * (`csvRows`, `xlsxRows`), `runTableImport` checks the header and each row and hands the good rows
 * to a sink in batches, and the report names line, column and reason of every refused row.
 * Nothing holds the whole file: rows flow through with the stream's back-pressure.
 */
import { Transform, type Readable } from 'node:stream';
import { AppError, type RowError } from '../../../shared/errors';

/** A row as the file has it: its line (CSV line, or spreadsheet row number) and its cells as text. */
export interface RawRow {
  line: number;
  values: string[];
}

export type TableFormat = 'csv' | 'xlsx';

/** The media types each format is sent as. */
export const TABLE_MEDIA_TYPES: Record<TableFormat, readonly string[]> = {
  csv: ['text/csv', 'application/csv'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
};

/** Rows shown in a report; the count of all of them goes alongside. */
export const REPORT_CAP = 500;

export function refuseRows(rows: readonly RowError[], count = rows.length): AppError {
  return new AppError('csv_invalid', `${count} problem(s) in the file; nothing was imported`, { details: { rows: rows.slice(0, REPORT_CAP), rowErrorCount: count } });
}

/** The file is not readable as its format at all (malformed CSV quoting, not an .xlsx package). */
export class TableFormatError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(reason);
  }
}

/**
 * Counts the bytes of an upload as they pass and fails past `maxBytes` (413): the request's
 * Content-Length is not trusted, and a chunked upload has none. Returns the stream to read from.
 */
export function limitBytes(input: Readable, maxBytes: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new AppError('payload_too_large', `the file is larger than ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  input.on('error', (err) => counter.destroy(err));
  return input.pipe(counter);
}
