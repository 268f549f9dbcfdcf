/** A table of API rows (stock, shortfalls, orders) with named, translated columns; first 50 rows. */
import type { ComponentChildren } from 'preact';
import { t } from '../i18n';
import { TableFrame } from './table-frame';

export interface Column<R> {
  key: string;
  label: string;
  /** What the cell shows; default the field as text. */
  cell?: (row: R) => ComponentChildren;
  /** Numbers align right. */
  numeric?: boolean;
}

export function RowsTable<R extends object>({ rows, caption, columns, rowKey }: { rows: R[]; caption: string; columns: Column<R>[]; rowKey: (row: R, i: number) => string }) {
  if (rows.length === 0) return <p class="muted">{t('stockEmpty')}</p>;
  return (
    <TableFrame label={caption} heads={columns.map((c) => c.label)} numeric={columns.flatMap((c, i) => (c.numeric ? [i] : []))}>
      {rows.slice(0, 50).map((r, i) => (
        <tr key={rowKey(r, i)}>
          {columns.map((c) => (
            <td key={c.key} class={c.numeric ? 'num' : undefined}>
              {c.cell ? c.cell(r) : String((r as Record<string, unknown>)[c.key] ?? '')}
            </td>
          ))}
        </tr>
      ))}
    </TableFrame>
  );
}
