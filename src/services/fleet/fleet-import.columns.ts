/**
 * The fleet's files (issue #15, item 3), one per kind: their columns and how a row's cells become
 * the record's fields. Columns are the fields in snake_case; a vehicle's capacity is one column per
 * dimension (bags, kg, cylinders, litres, seats; blank: not limited); lists (skills, licence
 * classes) are separated by `;`; availability is `from/until` ISO instants separated by `;`
 * (blank: always available). A column left out of the file leaves that field of an existing record
 * as it is (a new one takes the API's defaults). The domain's schemas check every value.
 */
import { z } from 'zod';
import {
  CAPACITY_DIMENSIONS, availabilitySchema, capacitySchema, depotFieldsShape, driverFieldsShape, vehicleFieldsShape, type FleetKind,
} from '../../domain/fleet';
import type { RowError } from '../../shared/errors';
import type { Cells } from '../shared/table-import/run-import';

/** A column: the field it sets, how its text becomes that field's value, and what a blank cell sets (undefined: required, or the default). */
interface Column { field: string; parse(raw: string): unknown; blank?: unknown }

const text = (field: string): Column => ({ field, parse: (raw) => raw });
const number = (field: string, blank?: number): Column => ({ field, parse: (raw) => (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw), blank });
const list = (field: string): Column => ({ field, parse: (raw) => raw.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== ''), blank: [] });
const nullable = (field: string): Column => ({ field, parse: (raw) => raw, blank: null });
const windows: Column = {
  field: 'availability',
  blank: [],
  parse: (raw) => raw.split(';').map((s) => s.trim()).filter((s) => s !== '').map((w) => {
    const [from = '', until = ''] = w.split('/').map((s) => s.trim());
    return { from, until };
  }),
};

export interface FleetTable {
  kind: FleetKind;
  columns: Record<string, Column>;
  /** Columns every file of this kind has. */
  required: readonly string[];
  /** The fields a row gives (present columns only), checked. */
  schema: z.ZodType;
}

export const FLEET_TABLES: Record<FleetKind, FleetTable> = {
  depot: {
    kind: 'depot',
    columns: { name: text('name'), lat: number('lat'), lon: number('lon'), opens_at: nullable('opensAt'), closes_at: nullable('closesAt') },
    required: ['name', 'lat', 'lon'],
    schema: z.strictObject({ ...depotFieldsShape, opensAt: depotFieldsShape.opensAt.optional(), closesAt: depotFieldsShape.closesAt.optional() }),
  },
  vehicle: {
    kind: 'vehicle',
    columns: {
      plate: text('plate'), name: text('name'), depot: text('depot'),
      ...Object.fromEntries(CAPACITY_DIMENSIONS.map((d) => [d, number(`capacity.${d}`)])),
      skills: list('skills'), max_trips: number('maxTrips', 1), reload_minutes: number('reloadMinutes', 20), availability: windows,
      licence_class: nullable('licenceClass'),
    },
    required: ['plate', 'depot'],
    schema: z.strictObject({
      plate: vehicleFieldsShape.plate, name: vehicleFieldsShape.name.optional(), depot: z.string(), capacity: capacitySchema.optional(),
      skills: vehicleFieldsShape.skills.optional(), maxTrips: vehicleFieldsShape.maxTrips.optional(), reloadMinutes: vehicleFieldsShape.reloadMinutes.optional(),
      availability: availabilitySchema.optional(), licenceClass: vehicleFieldsShape.licenceClass.optional(),
    }),
  },
  driver: {
    kind: 'driver',
    columns: { name: text('name'), phone: text('phone'), depot: text('depot'), licence_classes: list('licenceClasses'), skills: list('skills') },
    required: ['name', 'phone', 'depot'],
    schema: z.strictObject({
      name: driverFieldsShape.name, phone: driverFieldsShape.phone, depot: z.string(),
      licenceClasses: driverFieldsShape.licenceClasses.optional(), skills: driverFieldsShape.skills.optional(),
    }),
  },
};

export const columnsOf = (table: FleetTable): string[] => Object.keys(table.columns);

/** The column a field (or `capacity.bags`) comes from. */
function columnOf(table: FleetTable, path: readonly PropertyKey[]): string | null {
  const field = path[0] === 'capacity' ? `capacity.${String(path[1] ?? '')}` : String(path[0] ?? '');
  return Object.entries(table.columns).find(([, c]) => c.field === field)?.[0] ?? (path[0] === 'capacity' ? 'bags' : null);
}

/**
 * One row's fields, or its problems (column named, value never echoed). Only the columns present
 * are set: a blank cell sets the field's empty value (no skills, always available, any time, the
 * default trips), a blank capacity cell removes that dimension's limit, a blank name leaves it.
 */
export function parseFleetRow(table: FleetTable, cells: Cells, line: number): Record<string, unknown> | RowError[] {
  const input: Record<string, unknown> = {};
  for (const [column, c] of Object.entries(table.columns)) {
    const raw = cells[column];
    if (raw === undefined) continue;
    const value = raw === '' ? c.blank : c.parse(raw);
    if (c.field.startsWith('capacity.')) ((input.capacity ??= {}) as Record<string, unknown>)[c.field.slice('capacity.'.length)] = value;
    else input[c.field] = value;
  }
  const parsed = table.schema.safeParse(input);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const given = (path: readonly PropertyKey[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
  return parsed.error.issues.map((issue) => ({
    line, column: columnOf(table, issue.path),
    reason: given(issue.path) === undefined && issue.path.length <= 1 ? 'required' : issue.message,
  }));
}
