/**
 * The handover at the gate: the coordinator types the driver's 6-digit code to confirm a stop, or
 * reports a household's door failed with a reason from the closed list. The server's answer (wrong
 * code, tries left, too many tries) shows at the field.
 */
import { useState } from 'preact/hooks';
import type { STOP_FAILURE_REASONS } from '../../../contracts/events';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { Field, FormError, errorProps, fieldError } from './form';

/** The closed list of src/contracts/events.ts (types only here, so zod stays out of the bundle). */
const REASONS: readonly (typeof STOP_FAILURE_REASONS)[number][] = ['no_answer', 'access_blocked', 'refused', 'address_not_found', 'vehicle_issue', 'out_of_time', 'other'];

export function HandoffForm({ corridorId, stopId, onDone }: { corridorId: string; stopId: string; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `handoff-${stopId}`;
  const codeError = fieldError(error, 'code');
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      await api(`/api/corridors/${corridorId}/deliveries/${stopId}/handoff`, { body: { code: code.trim() } });
      setError(null);
      setCode('');
      onDone();
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

export function DoorFailed({ corridorId, stopId, householdId, onDone }: { corridorId: string; stopId: string; householdId: string; onDone: () => void }) {
  const [reason, setReason] = useState<string>('no_answer');
  const [error, setError] = useState<unknown>(null);
  const id = `door-${stopId}-${householdId}`;
  async function submit(e: Event) {
    e.preventDefault();
    try {
      await api(`/api/corridors/${corridorId}/deliveries/${stopId}/households/${householdId}/failed`, { body: { reason } });
      setError(null);
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form class="inline-form" onSubmit={submit}>
      <label class="visually-hidden" for={id}>
        {t('failedDoorReason')}
      </label>
      <select id={id} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
        {REASONS.map((r) => (
          <option key={r} value={r}>
            {t(`reason_${r}` as MessageKey)}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary">
        {t('reportFailedDoor')}
      </button>
      <FormError error={error} />
    </form>
  );
}
