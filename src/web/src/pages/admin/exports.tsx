/** Every table back out, in its import's columns (CSV or .xlsx): to review in a spreadsheet or move the district. */
import { t, type MessageKey } from '../../i18n';
import { TABLE_KINDS, type TableKind } from './table-import';

const EXPORT_PATHS: Record<TableKind, string> = {
  grid: '/api/areas/export',
  households: '/api/households/export',
  depots: '/api/depots/export',
  vehicles: '/api/vehicles/export',
  drivers: '/api/drivers/export',
};

export function Exports() {
  return (
    <>
      <h2 id="exports-title">{t('exportsTitle')}</h2>
      <p class="muted">{t('exportsHelp')}</p>
      <ul class="list" aria-labelledby="exports-title">
        {TABLE_KINDS.map((kind) => {
          const what = t(`table_${kind}` as MessageKey);
          return (
            <li key={kind} class="row">
              <span>{what}</span>
              <span class="actions">
                {(['csv', 'xlsx'] as const).map((format) => (
                  <a key={format} href={`${EXPORT_PATHS[kind]}?format=${format}`} download data-export={`${kind}.${format}`}>
                    <span class="visually-hidden">{what}: </span>
                    {format.toUpperCase()}
                  </a>
                ))}
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
