/**
 * The stock tables of the staff page: balances per depot and item, the shortfall for the next
 * round, open purchase orders. Items by name in the reader's language, communities by name,
 * statuses translated; the ids stay in tooltips.
 */
import { api } from '../api';
import { codeText, t } from '../i18n';
import { useLoad } from './hooks';
import { itemLabel, dateTime, type Catalogue } from './labels';
import { RowsTable, type Column } from './rows-table';

export interface Balance { depotId: string; depotName: string; itemCode: string; onHand: number; reserved: number; available: number; minimum: number | null }
export interface ShortItem { itemCode: string; available: number; needed: number; allocated: number; short: number }
export interface ShortLine { communityId: string; itemCode: string; needed: number; allocated: number; short: number }
export interface Order { id: string; supplierName: string; communityId: string; orderDay: string; status: string; lineCount: number; needCount: number; pendingNeeds: number; closesAt: string }

const num = <R,>(key: keyof R & string, label: string): Column<R> => ({ key, label, numeric: true });
const item = <R extends { itemCode: string }>(names: Catalogue): Column<R> => ({ key: 'item', label: t('item'), cell: (r) => <span title={r.itemCode}>{itemLabel(r.itemCode, names)}</span> });

/** Area names by id, for the communities an answer names by id only. */
export function useAreaNames(ids: string[]): Map<string, string> {
  const key = [...new Set(ids)].sort().join(',');
  const loaded = useLoad(key ? `areas-${key}` : null, async () => {
    const found = await Promise.all(key.split(',').map((id) => api<{ area: { id: string; name: string } }>(`/api/areas/${id}`).then((r) => r.area, () => null)));
    return new Map(found.filter((a): a is { id: string; name: string } => a !== null).map((a) => [a.id, a.name]));
  });
  return loaded.data ?? new Map();
}

export function BalancesTable({ rows, names }: { rows: Balance[]; names: Catalogue }) {
  const columns: Column<Balance>[] = [
    { key: 'depot', label: t('depot'), cell: (r) => <span title={r.depotId}>{r.depotName}</span> },
    item(names),
    num('onHand', t('onHand')),
    num('reserved', t('reserved')),
    { key: 'available', label: t('available'), numeric: true, cell: (r) => (r.minimum !== null && r.available < r.minimum ? <strong class="low" title={t('belowMinimum')}>{r.available} ⚠</strong> : r.available) },
    { key: 'minimum', label: t('minimum'), numeric: true, cell: (r) => r.minimum ?? '—' },
  ];
  return <RowsTable caption={t('stock')} rows={rows} columns={columns} rowKey={(r) => `${r.depotId}-${r.itemCode}`} />;
}

export function ShortfallTable({ items, lines, names }: { items: ShortItem[]; lines: ShortLine[]; names: Catalogue }) {
  const areas = useAreaNames(items.length ? [] : lines.map((l) => l.communityId));
  const counts = [num('needed', t('needed')), num('allocated', t('allocated')), num('short', t('short'))];
  if (items.length > 0) return <RowsTable caption={t('shortfall')} rows={items} columns={[item<ShortItem>(names), num<ShortItem>('available', t('available')), ...(counts as Column<ShortItem>[])]} rowKey={(r) => r.itemCode} />;
  const community: Column<ShortLine> = { key: 'community', label: t('community'), cell: (r) => <span title={r.communityId}>{areas.get(r.communityId) ?? '…'}</span> };
  return <RowsTable caption={t('shortfall')} rows={lines} columns={[community, item<ShortLine>(names), ...(counts as Column<ShortLine>[])]} rowKey={(r) => `${r.communityId}-${r.itemCode}`} />;
}

export function OrdersTable({ rows }: { rows: Order[] }) {
  const areas = useAreaNames(rows.map((r) => r.communityId));
  const columns: Column<Order>[] = [
    { key: 'supplier', label: t('supplier'), cell: (r) => <span title={r.id}>{r.supplierName}</span> },
    { key: 'community', label: t('community'), cell: (r) => areas.get(r.communityId) ?? '…' },
    { key: 'orderDay', label: t('orderDay') },
    { key: 'status', label: t('orderStatus'), cell: (r) => codeText(['order_'], r.status) ?? r.status },
    num('lineCount', t('orderLines')),
    num('pendingNeeds', t('orderPending')),
    { key: 'closesAt', label: t('orderCloses'), cell: (r) => dateTime(r.closesAt) },
  ];
  return <RowsTable caption={t('orders')} rows={rows} columns={columns} rowKey={(r) => r.id} />;
}
