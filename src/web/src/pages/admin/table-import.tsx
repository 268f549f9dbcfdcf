/**
 * One file into one of the district's tables (the grid, the register, depots, vehicles, drivers):
 * checked first (dry run: what would be created, updated and refused, nothing written), then
 * imported. All or nothing per file, so a refused row is shown by line and column, fixed in the
 * spreadsheet and the whole file sent again: rows match what is there, nothing is duplicated.
 */
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { Field } from '../../ui/form';
import { useAction } from '../../ui/hooks';
import { Refusal } from './refusal';

/** Where each kind of file goes, in the order a district office sends them. */
export const IMPORT_PATHS = {
  grid: '/api/areas/import',
  households: '/api/households/import',
  depots: '/api/depots/import',
  vehicles: '/api/vehicles/import',
  drivers: '/api/drivers/import',
} as const;
export type TableKind = keyof typeof IMPORT_PATHS;
export const TABLE_KINDS = Object.keys(IMPORT_PATHS) as TableKind[];

interface RowProblem { line: number; column: string | null; reason: string }
interface ImportResult { dryRun: boolean; rows: number; created: number; updated: number; unchanged: number; refused: number; problems: RowProblem[] }

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The API reads the format from the Content-Type, which browsers do not always know for a spreadsheet. */
const mediaType = (file: File): string => (/\.xlsx$/i.test(file.name) ? XLSX : 'text/csv');

function ProblemTable({ rows }: { rows: RowProblem[] }) {
  if (rows.length === 0) return null;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={t('importRefusedRows')}>
      <table data-testid="import-problems">
        <caption>{t('importRefusedRows')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('importLine')}</th>
            <th scope="col">{t('importColumn')}</th>
            <th scope="col">{t('reason')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-line={r.line} data-column={r.column ?? ''}>
              <td>{r.line}</td>
              <td>{r.column ?? '–'}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Report({ result }: { result: ImportResult }) {
  const counts = { rows: result.rows, created: result.created, updated: result.updated, unchanged: result.unchanged, refused: result.refused };
  return (
    <div data-testid="import-report" data-dry-run={String(result.dryRun)} data-created={result.created} data-updated={result.updated} data-unchanged={result.unchanged} data-refused={result.refused}>
      <p class={result.refused ? 'banner banner-warn' : 'banner banner-ok'} role="status">
        {t(result.dryRun ? 'importChecked' : 'importDone', counts)}
      </p>
      <ProblemTable rows={result.problems} />
    </div>
  );
}

export function TableImport({ onImported }: { onImported?: (kind: TableKind) => void }) {
  const [kind, setKind] = useState<TableKind>('households');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const { busy, error, act: send, clear } = useAction(async (dryRun: boolean) => {
    if (!file) return;
    setResult(null);
    setResult(await api<ImportResult>(`${IMPORT_PATHS[kind]}?dryRun=${dryRun}`, { raw: { body: file, type: mediaType(file) } }));
    if (!dryRun) onImported?.(kind);
  });

  const refused = error instanceof ApiError ? error.rows : [];
  return (
    <form class="table-import" aria-labelledby="import-title" onSubmit={(e) => (e.preventDefault(), void send(false))}>
      <h2 id="import-title">{t('importTitle')}</h2>
      <p class="muted">{t('importHelp')}</p>
      <Field id="import-kind" label={t('importKind')}>
        <select id="import-kind" value={kind} onChange={(e) => (setKind(e.currentTarget.value as TableKind), setResult(null), clear())}>
          {TABLE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`table_${k}` as MessageKey)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="import-file" label={t('importFile')}>
        <input id="import-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => (setFile(e.currentTarget.files?.[0] ?? null), setResult(null), clear())} />
      </Field>
      <div class="actions">
        <button type="button" class="secondary" disabled={busy || !file} onClick={() => void send(true)}>
          {t('importDryRun')}
        </button>
        <button type="submit" disabled={busy || !file}>
          {t('importRun')}
        </button>
      </div>
      {busy && <progress aria-label={t('sending')} />}
      {result && <Report result={result} />}
      {error !== null && (
        <div data-testid="import-refused">
          <Refusal error={error} />
          <ProblemTable rows={refused} />
        </div>
      )}
    </form>
  );
}
