/** CSV as a stream of rows (csv-parse's streaming parser: one record in memory at a time). */
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { TableFormatError, type RawRow } from './table-rows';

/** Each record of `input` with the line it ends on; malformed quoting throws TableFormatError naming the line. */
export async function* csvRows(input: Readable): AsyncGenerator<RawRow> {
  const parser = parse({ info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 16_384 });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    // csv-parse's types do not model `info: true` (records come as { record, info }).
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: item.info.lines, values: item.record };
    }
  } catch (err) {
    // Every parser error (CSV_* codes, INVALID_OPENING_QUOTE, ...) is the file's fault: a 422 naming the line.
    if (err instanceof CsvError) {
      const line = 'lines' in err ? Number(err.lines) : 0;
      throw new TableFormatError(line, `malformed CSV: ${err.message.replace(/\s+on line \d+$/, '').split(':')[0] ?? 'unreadable'}`);
    }
    throw err;
  } finally {
    input.unpipe(parser);
  }
}
