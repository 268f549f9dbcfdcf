/** The columns of the CSV registration table and how their text becomes need details. */

/** Column name (snake_case, as on the paper table) to detail field (camelCase). */
const FIELD_OF: Record<string, string> = {
  cycle: 'cycle',
  drug: 'drug',
  strength: 'strength',
  quantity: 'quantity',
  prescription_ref: 'prescriptionRef',
  urgency: 'urgency',
  date: 'date',
  meals: 'meals',
  cylinders: 'cylinders',
  kg: 'kg',
  litres: 'litres',
  reason: 'reason',
  hospital: 'hospital',
  appointment_at: 'appointmentAt',
  needs_escort: 'needsEscort',
  needs_wheelchair: 'needsWheelchair',
  notes: 'notes',
};
const COLUMN_OF = Object.fromEntries(Object.entries(FIELD_OF).map(([c, f]) => [f, c]));

export const CSV_COLUMNS: readonly string[] = ['household_id', 'address', 'kind', ...Object.keys(FIELD_OF)];

const NUMBERS = new Set(['quantity', 'meals', 'cylinders', 'kg', 'litres']);
const BOOLEANS = new Set(['needsEscort', 'needsWheelchair']);
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
  if (NUMBERS.has(field) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (BOOLEANS.has(field)) {
    const v = raw.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  return raw;
}
