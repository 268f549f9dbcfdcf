/** Checks shared by the stock use cases, run inside their transaction before anything is written. */
import { AppError, notFound } from '../../shared/errors';
import { findItems } from '../../store/item.repository';
import { existingDepotIds } from '../../store/stock.repository';
import type { Db } from '../../store/db';

export async function assertDepots(db: Db, depotIds: readonly string[]): Promise<void> {
  const unique = [...new Set(depotIds)];
  if ((await existingDepotIds(db, unique)).length !== unique.length) throw notFound('depot');
}

/** Only items are counted in depots: a kit is packed from items (or bought packed, as an item of its own). */
export async function assertStockItems(db: Db, codes: readonly string[]): Promise<void> {
  const unique = [...new Set(codes)];
  const found = new Map((await findItems(db, unique)).map((i) => [i.code, i.kind]));
  for (const code of unique) {
    const kind = found.get(code);
    if (kind === undefined) throw new AppError('validation', 'unknown item', { errors: [{ path: ['itemCode'], message: 'unknown item' }] });
    if (kind === 'kit') throw new AppError('validation', 'a kit, not an item: stock is kept per item', { errors: [{ path: ['itemCode'], message: 'a kit, not an item' }] });
  }
}
