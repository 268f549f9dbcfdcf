/** Apply for a medical pass: person, hospital, reason, appointment; draft kept; errors per field. */
import { useState } from 'preact/hooks';
import { api, newIdempotencyKey } from '../api';
import { t } from '../i18n';
import { Field, FormError, errorProps, fieldError } from './form';
import { useDraft, useLoad } from './hooks';

interface Hospital { id: string; name: string }

/** `datetime-local` has no offset: send it with the browser's own. */
function withOffset(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return local;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
  const mm = String(Math.abs(off) % 60).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${hh}:${mm}`;
}

export function PassForm({ householdId, onSaved }: { householdId: string; onSaved: () => void }) {
  const hospitals = useLoad('hospitals', () => api<{ hospitals: Hospital[] }>('/api/hospitals'));
  const [draft, update, clear] = useDraft(`pass.${householdId}`, { person: '', hospitalId: '', reason: '', appointmentAt: '', needsEscort: false, needsWheelchair: false, key: newIdempotencyKey() });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const list = hospitals.data?.hospitals ?? [];
  const hospitalId = draft.hospitalId || list[0]?.id || '';

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      const { key, ...fields } = draft;
      await api(`/api/households/${householdId}/passes`, { body: { ...fields, hospitalId, appointmentAt: withOffset(fields.appointmentAt) }, idempotencyKey: key });
      setError(null);
      clear();
      update({ key: newIdempotencyKey() });
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => fieldError(error, f);
  return (
    <form onSubmit={submit} noValidate aria-label={t('applyPass')}>
      <Field id="pass-person" label={t('person')} error={err('person')}>
        <input id="pass-person" value={draft.person} onInput={(e) => update({ person: e.currentTarget.value })} {...errorProps('pass-person', err('person'))} />
      </Field>
      <Field id="pass-hospital" label={t('hospital')} error={err('hospitalId')}>
        <select id="pass-hospital" value={hospitalId} onChange={(e) => update({ hospitalId: e.currentTarget.value })}>
          {list.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="pass-reason" label={t('reason')} error={err('reason')}>
        <input id="pass-reason" value={draft.reason} onInput={(e) => update({ reason: e.currentTarget.value })} {...errorProps('pass-reason', err('reason'))} />
      </Field>
      <Field id="pass-appointment" label={t('appointment')} error={err('appointmentAt')}>
        <input id="pass-appointment" type="datetime-local" value={draft.appointmentAt} onInput={(e) => update({ appointmentAt: e.currentTarget.value })} {...errorProps('pass-appointment', err('appointmentAt'))} />
      </Field>
      <label class="check">
        <input type="checkbox" checked={draft.needsEscort} onChange={(e) => update({ needsEscort: e.currentTarget.checked })} /> {t('needsEscort')}
      </label>
      <label class="check">
        <input type="checkbox" checked={draft.needsWheelchair} onChange={(e) => update({ needsWheelchair: e.currentTarget.checked })} /> {t('needsWheelchair')}
      </label>
      <FormError error={error} />
      <button type="submit" disabled={busy}>
        {busy ? t('sending') : t('applyPass')}
      </button>
    </form>
  );
}
