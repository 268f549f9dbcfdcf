/**
 * The household register as a file (issue #15, item 7), in the register import's columns
 * (REGISTER_COLUMNS), read page by page and streamed. Each household names its corridor by
 * community and corridor names, so the file loads into another installation; corridor_id is given
 * only where two corridors of a community share a name (names alone would not say which). Imported
 * again here, every row matches its household by corridor and address and changes nothing.
 * Scoped like the register's reads (unit chiefs: their corridors; community staff: their
 * communities); phone numbers and flags are personal data, so every export is audited.
 */
import type { Writable } from 'node:stream';
import type { Actor } from '../../domain/access';
import type { RegisteredHousehold } from '../../domain/household-register';
import { householdExportPage, type ExportCursor } from '../../store/household-export.repository';
import { loadCorridorDirectory, type CorridorEntry, type RegisterFilter } from '../../store/household-register.repository';
import { guardRole } from '../access/access-guard';
import { openTableWriter, type Cell } from '../shared/table-export/table-writer';
import type { TableFormat } from '../shared/table-import/table-rows';
import { CorridorIndex, REGISTER_COLUMNS } from './household-import.columns';
import { REGISTER_READERS, type RegisterDeps } from './household-register.service';

const PAGE = 5000;
const yesNo = (v: boolean): string => (v ? 'yes' : 'no');

function cellsOf(h: RegisteredHousehold, corridor: CorridorEntry | undefined, byId: boolean): Record<string, Cell> {
  return {
    corridor_id: byId ? h.corridorId : null, community: corridor?.communityName ?? null, corridor: corridor?.name ?? null,
    address: h.address, members: h.members, elderly_alone: yesNo(h.elderlyAlone), cannot_cook: yesNo(h.cannotCook), chronic_illness: yesNo(h.chronicIllness),
    pregnant: yesNo(h.pregnant), infant: yesNo(h.infant), phone: h.phone, infection_status: h.infectionStatus, lat: h.lat, lon: h.lon,
  };
}

export async function exportHouseholds(deps: RegisterDeps, actor: Actor, format: TableFormat, open: () => Writable, reqId?: string): Promise<number> {
  await guardRole({ audit: deps.audit, reqId }, actor, REGISTER_READERS, 'household.export', 'household', '*');
  const scope: RegisterFilter['scope'] =
    actor.role === 'coordinator' ? { kind: 'corridors', ids: actor.corridorIds } : actor.role === 'community_staff' ? { kind: 'communities', ids: actor.communityIds } : { kind: 'all' };
  // Corridors in use (a retired one holds no households: retiring refuses while it does).
  const corridors = new Map((await loadCorridorDirectory(deps.db)).map((c) => [c.id, c]));
  const names = new Map<string, number>();
  for (const c of corridors.values()) {
    const key = CorridorIndex.nameKey(c.communityName ?? '', c.name);
    names.set(key, (names.get(key) ?? 0) + 1);
  }
  const sharedName = (c: CorridorEntry | undefined) => !c || (names.get(CorridorIndex.nameKey(c.communityName ?? '', c.name)) ?? 0) > 1;
  await deps.audit?.record({ actor, action: 'household.export', subjectType: 'household', subjectId: scope.kind === 'all' ? '*' : scope.ids.join(' ').slice(0, 200), outcome: 'allowed', reqId: reqId ?? null });

  const table = await openTableWriter(format, open(), 'households', REGISTER_COLUMNS);
  let count = 0;
  let after: ExportCursor | null = null;
  do {
    const page = await householdExportPage(deps.db, scope, after, PAGE);
    for (const h of page.rows) {
      const corridor = corridors.get(h.corridorId);
      const cells = cellsOf(h, corridor, sharedName(corridor));
      await table.row(REGISTER_COLUMNS.map((c) => cells[c] ?? null));
    }
    count += page.rows.length;
    after = page.next;
  } while (after);
  await table.end();
  return count;
}
