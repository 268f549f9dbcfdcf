/** The register read page by page for an export: keyset on (corridor, address key), the unique match key. */
import { sql } from 'kysely';
import type { RegisteredHousehold } from '../domain/household-register';
import type { Db } from './db';
import type { RegisterFilter } from './household-register.repository';
import { toRegistered } from './household-register.repository';

export interface ExportCursor { corridorId: string; addressKey: string }

export async function householdExportPage(db: Db, scope: RegisterFilter['scope'], after: ExportCursor | null, limit: number): Promise<{ rows: RegisteredHousehold[]; next: ExportCursor | null }> {
  let q = db.selectFrom('households').selectAll();
  if (scope.kind === 'corridors') q = scope.ids.length ? q.where('corridor_id', 'in', scope.ids) : q.where(sql<boolean>`false`);
  if (scope.kind === 'communities') q = scope.ids.length ? q.where('community_id', 'in', scope.ids) : q.where(sql<boolean>`false`);
  if (after) q = q.where(sql<boolean>`(corridor_id, address_key) > (${after.corridorId}::uuid, ${after.addressKey})`);
  const rows = await q.orderBy('corridor_id').orderBy('address_key').limit(limit).execute();
  const last = rows[rows.length - 1];
  return { rows: rows.map(toRegistered), next: last && rows.length === limit ? { corridorId: last.corridor_id, addressKey: last.address_key } : null };
}
