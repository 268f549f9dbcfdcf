/**
 * The handover at the gate: the coordinator types the driver's 6-digit code to confirm a stop. The
 * doors ticked on the phone go out first, so the answer counts them; it says what was checked
 * (handed over, failed, not ticked). The server's refusal (wrong code, tries left, too many tries)
 * shows at the field.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { Field, FormError, errorProps, fieldError } from './form';
import { flushCheckOffs } from './gate-outbox';

/** What the handoff found checked at the stop. */
export interface Checked { handedOver: number; failed: number; unchecked: number }

export function HandoffForm({ corridorId, stopId, onDone }: { corridorId: string; stopId: string; onDone: (checked: Checked) => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `handoff-${stopId}`;
  const codeError = fieldError(error, 'code');
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      await flushCheckOffs();
      const done = await api<{ checked: Checked }>(`/api/corridors/${corridorId}/deliveries/${stopId}/handoff`, { body: { code: code.trim() } });
      setError(null);
      setCode('');
      onDone(done.checked);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="inline-form" onSubmit={submit} data-testid="handoff-form">
      <Field id={id} label={t('handoffCode')} error={codeError}>
        <input id={id} name="code" inputMode="numeric" autoComplete="off" maxLength={6} pattern="[0-9]{6}" value={code} onInput={(e) => setCode(e.currentTarget.value)} {...errorProps(id, codeError)} />
      </Field>
      <button type="submit" disabled={busy || code.trim().length !== 6}>
        {t('confirmHandoff')}
      </button>
      {!codeError && <FormError error={error} />}
    </form>
  );
}
