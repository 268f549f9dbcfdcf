/** A plain table of API rows (stock, shortfalls, orders): scalar columns only, first 50 rows. */
import { t } from '../i18n';

type Row = Record<string, unknown>;

export function RowsTable({ rows, caption }: { rows: Row[]; caption: string }) {
  if (rows.length === 0) return <p class="muted">{t('stockEmpty')}</p>;
  // Ids say nothing to a person (names are shown instead); nested values are left out.
  const columns = Object.keys(rows[0] ?? {}).filter((k) => !/Id$/.test(k) && rows.some((r) => ['string', 'number', 'boolean'].includes(typeof r[k])));
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 50).map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{typeof r[c] === 'string' && /^[0-9a-f-]{36}$/.test(r[c] as string) ? (r[c] as string).slice(0, 8) : String(r[c] ?? '')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
