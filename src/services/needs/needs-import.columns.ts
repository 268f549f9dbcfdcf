/**
 * The columns of the CSV registration table and how their text becomes need details. Derived from
 * the need kinds' detail schemas (src/domain/need-kinds.ts): a detail field `prescriptionRef` is the
 * column `prescription_ref`, a number field takes digits, a yes/no field takes yes/no.
 */
import type { z } from 'zod';
import { NEED_KIND_SPECS, NEED_KINDS } from '../../domain/need-kinds';

const snake = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The zod type under optional/default wrappers: 'number', 'boolean', 'string', 'enum'... */
function baseType(schema: z.ZodType): string {
  let def = schema._zod.def as { type: string; innerType?: z.ZodType };
  while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) def = def.innerType._zod.def as typeof def;
  return def.type;
}

const fields = new Map<string, string>();
for (const kind of NEED_KINDS) {
  for (const [field, schema] of Object.entries(NEED_KIND_SPECS[kind].details.shape as Record<string, z.ZodType>)) fields.set(field, baseType(schema));
}

/** Column name (snake_case, as on the paper table) to detail field (camelCase). */
const FIELD_OF: Record<string, string> = Object.fromEntries([...fields.keys()].map((f) => [snake(f), f]));
const COLUMN_OF = Object.fromEntries(Object.entries(FIELD_OF).map(([c, f]) => [f, c]));

export const CSV_COLUMNS: readonly string[] = ['household_id', 'address', 'kind', ...Object.keys(FIELD_OF)];

const TRUE = new Set(['yes', 'y', 'true', '1']);
const FALSE = new Set(['no', 'n', 'false', '0']);

export function fieldOfColumn(column: string): string | undefined {
  return FIELD_OF[column];
}

export function columnOfField(field: string): string {
  return COLUMN_OF[field] ?? field;
}

/** Text to the type the detail schema expects; anything unreadable stays text, so the schema names it. */
export function csvValue(field: string, raw: string): unknown {
  const type = fields.get(field);
  if (type === 'number' && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean') {
    const v = raw.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  return raw;
}
