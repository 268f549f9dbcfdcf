/**
 * The register file's columns and how a row becomes a household (issue #15, item 2). Columns are
 * the register fields in snake_case; a row names its corridor by `corridor_id`, or by `community`
 * and `corridor` names. Yes/no columns take yes/no, y/n, true/false, 1/0 (blank: no); infection_status
 * takes none (or negative), close_contact (or "close contact"), positive. lat/lon default to the
 * corridor's. A column left out of the file leaves that field of an existing household as it is.
 */
import { z } from 'zod';
import type { Actor } from '../../domain/access';
import { addressKey, householdFieldsShape, type HouseholdFields } from '../../domain/household-register';
import type { RowError } from '../../shared/errors';
import type { CorridorEntry, RegisterField } from '../../store/household-register.repository';
import type { Cells, TableSpec } from '../shared/table-import/run-import';

/** Column of each register field. */
export const FIELD_COLUMNS: Record<RegisterField, string> = {
  address: 'address', members: 'members', elderlyAlone: 'elderly_alone', cannotCook: 'cannot_cook', chronicIllness: 'chronic_illness',
  pregnant: 'pregnant', infant: 'infant', phone: 'phone', infectionStatus: 'infection_status', lat: 'lat', lon: 'lon',
};
const FIELDS = Object.keys(FIELD_COLUMNS) as RegisterField[];
export const REGISTER_COLUMNS: readonly string[] = ['corridor_id', 'community', 'corridor', ...Object.values(FIELD_COLUMNS)];

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);
const INFECTION: Record<string, string> = { none: 'none', negative: 'none', '': 'none', close_contact: 'close_contact', 'close contact': 'close_contact', positive: 'positive' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const rowSchema = z.strictObject(householdFieldsShape);

/** Text to what the field's schema expects; unreadable text stays text so the schema names the column. */
function typed(field: RegisterField, raw: string): unknown {
  switch (field) {
    case 'members':
    case 'lat':
    case 'lon':
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'elderlyAlone':
    case 'cannotCook':
    case 'chronicIllness':
    case 'pregnant':
    case 'infant': {
      const v = raw.toLowerCase();
      return YES.has(v) ? true : NO.has(v) ? false : raw;
    }
    case 'phone':
      return raw === '' ? null : raw;
    case 'infectionStatus':
      return INFECTION[raw.toLowerCase()] ?? raw;
    case 'address':
      return raw;
  }
}

/** Corridors by id and by "community / corridor" name (lower case); a name twice in a community is ambiguous. */
export class CorridorIndex {
  private readonly byId = new Map<string, CorridorEntry>();
  private readonly byName = new Map<string, CorridorEntry | 'ambiguous'>();
  constructor(entries: readonly CorridorEntry[]) {
    for (const c of entries) {
      this.byId.set(c.id, c);
      const key = CorridorIndex.nameKey(c.communityName ?? '', c.name);
      this.byName.set(key, this.byName.has(key) ? 'ambiguous' : c);
    }
  }
  static nameKey(community: string, corridor: string): string {
    return `${addressKey(community)}\u0000${addressKey(corridor)}`;
  }
  find(cells: Cells): CorridorEntry | { column: string; reason: string } {
    const id = cells.corridor_id ?? '';
    if (id !== '') {
      if (!UUID.test(id)) return { column: 'corridor_id', reason: 'expected a corridor id (uuid)' };
      return this.byId.get(id.toLowerCase()) ?? { column: 'corridor_id', reason: 'no such corridor' };
    }
    const found = this.byName.get(CorridorIndex.nameKey(cells.community ?? '', cells.corridor ?? ''));
    if (found === 'ambiguous') return { column: 'corridor', reason: 'two corridors of this community have this name: use corridor_id' };
    return found ?? { column: 'corridor', reason: 'no corridor of this name in this community' };
  }
}

/** What a good row becomes. */
export interface RegisterRow {
  fields: HouseholdFields;
}

/**
 * The register table for one import: the columns present decide what an update changes; `seen`
 * refuses a second row for the same household (corridor and address key) within the file.
 */
export function registerTableSpec(actor: Actor, corridors: CorridorIndex, onHeader: (fields: RegisterField[]) => void): TableSpec<RegisterRow> {
  const seen = new Map<string, number>();
  return {
    columns: REGISTER_COLUMNS,
    checkHeader(present) {
      const errs: { column: string | null; reason: string }[] = [];
      for (const c of ['address', 'members']) if (!present.has(c)) errs.push({ column: c, reason: 'missing column' });
      if (!present.has('corridor_id') && !(present.has('community') && present.has('corridor'))) errs.push({ column: 'corridor_id', reason: 'missing column: corridor_id, or community and corridor' });
      onHeader(FIELDS.filter((f) => present.has(FIELD_COLUMNS[f])));
      return errs;
    },
    checkRow(cells, line) {
      const errors: RowError[] = [];
      const corridor = corridors.find(cells);
      if ('reason' in corridor) errors.push({ line, ...corridor });
      else if (actor.role !== 'admin' && (corridor.communityId === null || !actor.communityIds.includes(corridor.communityId))) {
        errors.push({ line, column: cells.corridor_id ? 'corridor_id' : 'corridor', reason: 'this corridor is outside your communities' });
      }
      const input: Record<string, unknown> = {};
      for (const f of FIELDS) {
        const raw = cells[FIELD_COLUMNS[f]];
        input[f] = raw === undefined ? undefined : typed(f, raw);
      }
      // Fields the file leaves out (or blank coordinates) take the defaults of a new household; an
      // update writes only the columns present (see upsertHouseholds).
      const at = 'id' in corridor ? corridor : undefined;
      const parsed = rowSchema.safeParse({
        elderlyAlone: false, cannotCook: false, chronicIllness: false, pregnant: false, infant: false, phone: null, infectionStatus: 'none',
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== '')),
        lat: input.lat === undefined || input.lat === '' ? (at?.lat ?? undefined) : input.lat,
        lon: input.lon === undefined || input.lon === '' ? (at?.lon ?? undefined) : input.lon,
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0] ?? '') as RegisterField;
          const blank = issue.code === 'invalid_type' && (input[field] === undefined || input[field] === '');
          // Coordinates come from the corridor: with no corridor found, that is the one problem to name.
          if (blank && !at && (field === 'lat' || field === 'lon')) continue;
          const reason = !blank ? issue.message : field === 'lat' || field === 'lon' ? 'required: the corridor has no coordinates' : 'required';
          errors.push({ line, column: FIELD_COLUMNS[field] ?? null, reason });
        }
      }
      if (errors.length || !parsed.success || !at || at.communityId === null) return errors;
      const key = `${at.id}|${addressKey(parsed.data.address)}`;
      const first = seen.get(key);
      if (first !== undefined) return [{ line, column: 'address', reason: `the same household (corridor and address) as line ${first}` }];
      seen.set(key, line);
      return { fields: { ...parsed.data, corridorId: at.id, communityId: at.communityId } };
    },
  };
}
