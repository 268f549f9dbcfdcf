/** Upload the door-to-door CSV table for a corridor: all rows or none; refused rows listed by line. */
import { useState } from 'preact/hooks';
import { ApiError, api, newIdempotencyKey } from '../api';
import { t } from '../i18n';
import { Field, FormError, errorProps } from './form';

export function CsvImport({ corridorId, onDone }: { corridorId: string; onDone: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(e: Event) {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('csv') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      const text = await file.text();
      const answer = await api<{ imported: number; merged: number }>(`/api/corridors/${corridorId}/needs/import`, { raw: { body: text, type: 'text/csv' }, idempotencyKey: newIdempotencyKey() });
      setResult(t('csvImported', answer));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const rows = error instanceof ApiError ? error.rows : [];
  const rowErrors = rows.length ? rows.map((r) => t('csvRow', { line: r.line, column: r.column ?? '-', reason: r.reason })).join('\n') : undefined;
  return (
    <form onSubmit={upload} aria-label={t('csvImport')}>
      <Field id="csv-file" label={t('csvFile')} error={rowErrors}>
        <input id="csv-file" name="csv" type="file" accept=".csv,text/csv" {...errorProps('csv-file', rowErrors)} />
      </Field>
      {busy && <progress aria-label={t('sending')} />}
      <FormError error={rows.length ? null : error} />
      {result && (
        <p class="banner banner-ok" role="status">
          {result}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('csvImport')}
      </button>
    </form>
  );
}
