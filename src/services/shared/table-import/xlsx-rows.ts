/**
 * Excel .xlsx as a stream of rows: exceljs's streaming WorkbookReader reads the zip as it arrives
 * and emits rows of the first worksheet one at a time (a worksheet stored before the shared strings
 * goes to a temporary file, never to memory). Later worksheets are read through and ignored.
 */
import { PassThrough, type Readable } from 'node:stream';
import { TableFormatError, type RawRow } from './table-rows';

/** A cell as the text a person sees in it: numbers as written, dates as YYYY-MM-DD, formulas by their result. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r: { text?: unknown }) => String(r.text ?? '')).join('').trim();
    if ('result' in value) return cellText(value.result);
    if ('text' in value) return cellText(value.text);
    if ('error' in value) return String(value.error);
  }
  return '';
}

export async function* xlsxRows(input: Readable): AsyncGenerator<RawRow> {
  // exceljs pipes its input into its unzipper, which never hears of the input's error and would wait
  // for ever: on an error (a file too large, an aborted upload) the zip is ended here instead, and
  // the error thrown in place of whatever the reader makes of the cut-off file.
  let failure: unknown;
  const zip = new PassThrough();
  input.on('error', (err) => {
    failure = err;
    zip.end();
  });
  input.pipe(zip);
  // Loaded on first use: exceljs is the heaviest module the service has (see table-writer.ts).
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(zip, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        if (failure !== undefined) throw failure;
        if (sheets > 1) continue;
        // row.values is 1-based (index 0 unused) and sparse: empty cells are holes.
        const raw = row.values as unknown[];
        const values: string[] = [];
        for (let i = 1; i < raw.length; i++) values.push(cellText(raw[i]));
        if (values.some((v) => v !== '')) yield { line: row.number, values };
      }
    }
  } catch (err) {
    if (failure !== undefined) throw failure;
    if (err instanceof TableFormatError) throw err;
    const message = err instanceof Error ? err.message : '';
    // unzipper and the XML parser fail with their own messages: the file is not a readable .xlsx package.
    if (/signature|zip|invalid|unexpected|end of|text data outside|unclosed|sax/i.test(message)) throw new TableFormatError(0, 'not a readable .xlsx file');
    throw err;
  }
  if (failure !== undefined) throw failure;
  if (sheets === 0) throw new TableFormatError(0, 'not a readable .xlsx file: no worksheet');
}
