/**
 * The unit chief asks for the corridor's waste to be collected (POST
 * /api/corridors/:corridorId/waste-requests): bags, estimated kg and the category (positive, close
 * contact, ordinary), which decides how the crew handles it. The same category again before the
 * pickup replaces the request; the next waste round collects it.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { Field, FormError, errorProps, fieldError } from './form';
import { useAction } from './hooks';

/** WASTE_CATEGORIES of src/domain/need-kinds.ts (named here so zod stays out of the bundle). */
const CATEGORIES = ['positive', 'close_contact', 'ordinary'] as const;

export function WasteRequest({ corridorId }: { corridorId: string }) {
  const [form, setForm] = useState({ bags: '', estimatedKg: '', category: 'ordinary' as string });
  const [sent, setSent] = useState<{ bags: number } | null>(null);
  const send = useAction(async () => {
    const r = await api<{ bags: number }>(`/api/corridors/${corridorId}/waste-requests`, {
      body: { bags: Number(form.bags), estimatedKg: Number(form.estimatedKg), category: form.category },
    });
    setSent({ bags: r.bags });
    setForm((f) => ({ ...f, bags: '', estimatedKg: '' }));
  });
  const id = (name: string) => `waste-${name}-${corridorId}`;
  const err = (name: string) => fieldError(send.error, name);
  return (
    <form onSubmit={(e) => (e.preventDefault(), setSent(null), void send.act())} data-testid="waste-request">
      <Field id={id('category')} label={t('wasteCategory')} error={err('category')}>
        <select id={id('category')} value={form.category} onChange={(e) => setForm({ ...form, category: e.currentTarget.value })}>
          {CATEGORIES.map((c) => <option key={c} value={c}>{t(`waste_${c}` as MessageKey)}</option>)}
        </select>
      </Field>
      <Field id={id('bags')} label={t('wasteBags')} error={err('bags')}>
        <input id={id('bags')} type="number" min={1} max={500} required inputMode="numeric" value={form.bags} onInput={(e) => setForm({ ...form, bags: e.currentTarget.value })} {...errorProps(id('bags'), err('bags'))} />
      </Field>
      <Field id={id('kg')} label={t('wasteKg')} error={err('estimatedKg')}>
        <input id={id('kg')} type="number" min={0.5} max={5000} step={0.5} required inputMode="decimal" value={form.estimatedKg} onInput={(e) => setForm({ ...form, estimatedKg: e.currentTarget.value })} {...errorProps(id('kg'), err('estimatedKg'))} />
      </Field>
      <FormError error={send.error} />
      <button type="submit" disabled={send.busy}>{t('requestWastePickup')}</button>
      {sent && <p role="status" data-testid="waste-requested">{t('wasteRequested', { n: sent.bags })}</p>}
    </form>
  );
}
