/**
 * Bulk CSV import of a corridor's door-to-door registration table. Every row is checked first
 * (household, kind, details, dates); any bad row refuses the whole file with a report naming
 * line, column and reason. A clean file is taken in ONE transaction: all rows or none.
 */
import { parse } from 'csv-parse/sync';
import type { ImportResponse } from '../../contracts/intake.contract';
import type { Actor } from '../../domain/access';
import type { Household } from '../../domain/household';
import { openFoodCycles } from '../../domain/food-cycle';
import { detailSchemas, NEED_KINDS, needInputSchema, type NeedKind } from '../../domain/need';
import { prepareNeed, type IntakeCycles, type PreparedNeed } from '../../domain/need-intake';
import { AppError, isAppError, type RowError } from '../../shared/errors';
import { isCleanText, UNCLEAN_TEXT_MESSAGE } from '../../shared/text';
import { findArea, findHouseholdsByAddress, findHouseholdsById } from '../../store/grid.repository';
import { markBulkLane } from '../../store/need-status-live.repository';
import { guardCorridor, guardRole } from '../access/access-guard';
import { runIdempotent, type WriteResult } from '../shared/idempotency';
import { acceptOrMerge, type IntakeDeps, type RequestContext } from './intake.service';
import { CSV_COLUMNS, csvValue, fieldOfColumn, columnOfField } from './needs-import.columns';

export interface ImportLimits {
  maxRows: number;
}

interface ParsedRow {
  line: number;
  values: Record<string, string>;
}

/**
 * Imports of at most this many rows go out live in the interactive lane, bigger ones in the bulk lane
 * (issue #21). A unit chief's handful of rows is one person at a screen, like a single submission, and
 * waited behind a whole cycle's entitlements (137,000 changes at full scale) when every import was
 * bulk; 50 changes are a tenth of the relay's interactive batch (500), so they hold back no one
 * else's change noticeably. A corridor's whole register (up to CSV_MAX_ROWS) still goes bulk.
 */
export const INTERACTIVE_IMPORT_MAX_ROWS = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IMPORT_ROLES: readonly Actor['role'][] = ['coordinator', 'community_staff', 'admin'];

function refuse(rows: RowError[]): AppError {
  const shown = rows.slice(0, 500);
  return new AppError('csv_invalid', `${rows.length} problem(s) in the file; nothing was imported`, { details: { rows: shown, rowErrorCount: rows.length } });
}

function readCsv(text: string, limits: ImportLimits): ParsedRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, bom: true, trim: true, max_record_size: 4096 }) as unknown as typeof records; // csv-parse's types do not model `info: true`
  } catch (err) {
    const line = typeof err === 'object' && err !== null && 'lines' in err ? Number(err.lines) : 0;
    const reason = err instanceof Error ? err.message.replace(/\s+on line \d+$/, '').split(':')[0] ?? 'malformed CSV' : 'malformed CSV';
    throw refuse([{ line, column: null, reason: `malformed CSV: ${reason}` }]);
  }
  const [header, ...data] = records;
  if (!header) throw refuse([{ line: 1, column: null, reason: 'the file is empty: expected a header line' }]);
  const columns = header.record.map((c) => c.toLowerCase());
  const errors: RowError[] = [];
  // An unknown header is named by its position: its text is the caller's, never echoed.
  columns.forEach((c, i) => {
    if (!CSV_COLUMNS.includes(c)) errors.push({ line: header.info.lines, column: null, reason: `unknown column (column ${i + 1} of the header)` });
    else if (columns.indexOf(c) !== i) errors.push({ line: header.info.lines, column: c, reason: 'column given twice' });
  });
  if (!columns.includes('kind')) errors.push({ line: header.info.lines, column: 'kind', reason: 'missing column' });
  if (!columns.includes('address') && !columns.includes('household_id')) errors.push({ line: header.info.lines, column: 'address', reason: 'missing column: address or household_id' });
  if (errors.length) throw refuse(errors);
  if (data.length === 0) throw refuse([{ line: header.info.lines, column: null, reason: 'no data rows' }]);
  if (data.length > limits.maxRows) throw new AppError('payload_too_large', `at most ${limits.maxRows} rows per import, got ${data.length}`);
  const rows = data.map(({ record, info }) => ({ line: info.lines, values: Object.fromEntries(columns.map((c, i) => [c, record[i] ?? ''])) }));
  // The text rule of every route (src/http/text-guard.ts), per cell, so the report names line and column.
  const unusable = rows.flatMap((r) => Object.entries(r.values).filter(([, v]) => !isCleanText(v)).map(([column]) => ({ line: r.line, column, reason: UNCLEAN_TEXT_MESSAGE })));
  if (unusable.length) throw refuse(unusable);
  return rows;
}

/** One row as a need input, or its errors (column named, value never echoed). */
function checkRow(row: ParsedRow, households: Map<string, Household>, byId: Map<string, Household>, now: Date, cycles: IntakeCycles): { household: Household; prepared: PreparedNeed } | RowError[] {
  const v = row.values;
  const household = v.household_id ? byId.get(v.household_id.toLowerCase()) : households.get(v.address ?? '');
  const errors: RowError[] = [];
  if (!household) errors.push({ line: row.line, column: v.household_id ? 'household_id' : 'address', reason: 'no such household in this corridor' });
  const kind = v.kind as NeedKind;
  if (!NEED_KINDS.includes(kind)) {
    errors.push({ line: row.line, column: 'kind', reason: `expected one of ${NEED_KINDS.join(', ')}` });
    return errors;
  }
  const allowed = Object.keys(detailSchemas[kind].shape);
  const details: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(v)) {
    const field = fieldOfColumn(column);
    if (!field || raw === '') continue;
    if (!allowed.includes(field)) errors.push({ line: row.line, column, reason: `not used for ${kind}` });
    else details[field] = csvValue(field, raw);
  }
  const parsed = needInputSchema.safeParse({ kind, details });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[issue.path.length - 1];
      errors.push({ line: row.line, column: columnOfField(String(field ?? 'kind')), reason: issue.message });
    }
  }
  if (errors.length || !household || !parsed.success) return errors;
  try {
    return { household, prepared: prepareNeed(parsed.data, household, now, cycles) };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return (err.errors ?? [{ path: [], message: err.message }]).map((e) => ({ line: row.line, column: columnOfField(String(e.path[e.path.length - 1] ?? '')), reason: e.message }));
  }
}

export async function importNeeds(deps: IntakeDeps, actor: Actor, corridorId: string, csv: string, limits: ImportLimits, ctx: RequestContext): Promise<WriteResult<ImportResponse>> {
  const guard = { audit: deps.audit, reqId: ctx.reqId };
  const corridor = await findArea(deps.db, corridorId);
  if (!corridor || corridor.kind !== 'corridor') throw new AppError('not_found', 'corridor not found');
  await guardCorridor(guard, actor, corridor.id, corridor.communityId ?? '', 'needs.import');
  await guardRole(guard, actor, IMPORT_ROLES, 'needs.import', 'corridor', corridor.id);

  const rows = readCsv(csv, limits);
  const addresses = [...new Set(rows.map((r) => r.values.address ?? '').filter(Boolean))];
  const byAddress = await findHouseholdsByAddress(deps.db, corridorId, addresses);
  // Ids in any case, as the JSON routes take them (zod's uuid is case-insensitive); stored lower-case.
  const ids = [...new Set(rows.map((r) => (r.values.household_id ?? '').toLowerCase()).filter((id) => UUID.test(id)))];
  const byId = new Map((await findHouseholdsById(deps.db, corridorId, ids)).map((h) => [h.id, h]));

  const now = deps.clock.now();
  // One instant for the whole file: every row without a cycle gets the same one.
  const cycles = openFoodCycles(now, deps.foodCycleDays);
  const errors: RowError[] = [];
  const good: { line: number; household: Household; prepared: PreparedNeed }[] = [];
  for (const row of rows) {
    const checked = checkRow(row, byAddress, byId, now, cycles);
    if (Array.isArray(checked)) errors.push(...checked);
    else good.push({ line: row.line, ...checked });
  }
  if (errors.length) throw refuse(errors);

  const result = await runIdempotent(deps.db, actor.userId, ctx.idempotency, async (trx) => {
    // Up to CSV_MAX_ROWS accepted needs in one commit: a big file takes the bulk lane of the live relay.
    if (good.length > INTERACTIVE_IMPORT_MAX_ROWS) await markBulkLane(trx);
    const needs: ImportResponse['needs'] = [];
    for (const g of good) {
      const { need, merged } = await acceptOrMerge(deps, trx, actor, g.household, g.prepared, ctx.reqId);
      needs.push({ line: g.line, needId: need.id, merged });
    }
    const merged = needs.filter((n) => n.merged).length;
    return { status: 201, body: { imported: needs.length - merged, merged, needs } };
  }, deps.clock.now());
  // Counted once committed: a file refused part way accepted nothing.
  if (!result.replayed) result.body.needs.forEach((n, i) => !n.merged && deps.accepted?.(good[i]!.prepared.kind));
  return result;
}
