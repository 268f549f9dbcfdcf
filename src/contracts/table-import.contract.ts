/** What every table import answers and takes (the register, the fleet, the grid): the same counts, the same dry run. */
import { z } from 'zod';
import { importRowError } from './intake.contract';

export const dryRunQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').default(false)
    .describe('true: read and check the whole file, report what would be created, updated and refused, write nothing'),
});

export const tableImportResult = z.object({
  dryRun: z.boolean(),
  /** Data rows read. */
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  /** Rows matching a record that already holds those values (not written). */
  unchanged: z.number().int(),
  /** Rows refused (dry run only: a real import with any refused row answers 422 and writes nothing). */
  refused: z.number().int(),
  /** Dry run: the refused rows (line, column, reason), at most 500. */
  problems: z.array(importRowError),
});

/** An export's query: the file's format (issue #15, item 7). */
export const tableExportQuery = z.strictObject({
  format: z.enum(['csv', 'xlsx']).default('csv').describe('csv (UTF-8 with a BOM) or xlsx (one worksheet); the columns are the import’s'),
});
