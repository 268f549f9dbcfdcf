/**
 * The import pipeline's mirror (issue #15, item 7): rows written out as CSV or .xlsx in exactly the
 * columns the imports read, streamed to a Writable (an HTTP response) with its back-pressure, so an
 * export of 150,000 households never sits in memory. CSV: RFC 4180 quoting by csv-stringify, UTF-8
 * with a BOM (a spreadsheet then reads Chinese names as such; the CSV reader skips it). .xlsx:
 * exceljs's streaming WorkbookWriter, one committed row at a time, one worksheet.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { TableFormat } from '../table-import/table-rows';

/** A cell: text, a number, or empty (null). */
export type Cell = string | number | null;

export interface TableWriter {
  row(cells: readonly Cell[]): Promise<void>;
  /** Finishes the file (the .xlsx package's directory) and ends the stream. */
  end(): Promise<void>;
}

export const TABLE_CONTENT_TYPE: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A CSV text cell a spreadsheet would run as a formula gets a leading apostrophe. Signed numbers and
 * phone numbers (+86 138...) are left as they are: they are what the import reads, and a spreadsheet
 * reads them as numbers or text, never as a formula.
 */
export function csvSafe(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][0-9][0-9 .-]*$/.test(text))) return `'${text}`;
  return text;
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
}

/** Opens a table on `out` with its header row written. */
export async function openTableWriter(format: TableFormat, out: Writable, sheet: string, header: readonly string[]): Promise<TableWriter> {
  if (format === 'csv') {
    const line = (cells: readonly Cell[]) => stringify([cells.map(csvSafe)], { record_delimiter: '\r\n' });
    await write(out, `\uFEFF${line(header)}`);
    return {
      row: (cells) => write(out, line(cells)),
      async end() {
        out.end();
        await once(out, 'finish');
      },
    };
  }
  // Loaded on first use: exceljs (with its zip and XML libraries) is the heaviest module the service
  // has, and every process and test that loads the app paid for it at start without exporting anything.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const worksheet = workbook.addWorksheet(sheet);
  worksheet.addRow([...header]).commit();
  let pending = 0;
  return {
    async row(cells) {
      worksheet.addRow([...cells]).commit();
      // exceljs writes committed rows to its zip stream itself: wait for the response now and then.
      if (++pending >= 500) {
        pending = 0;
        if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      }
    },
    async end() {
      worksheet.commit();
      await workbook.commit();
    },
  };
}
