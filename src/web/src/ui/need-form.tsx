/**
 * Enter one need for a household: kind first, then that kind's fields. Keyboard-friendly (Enter
 * submits, focus returns to the kind after saving, for door-to-door rounds); the draft survives
 * reloads and network drops; the server's field errors appear under their inputs. A food package's
 * cycle is picked by its dates, the current one first (offline, before the cycles load, the field
 * is left empty: the server then takes the current one).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, newIdempotencyKey } from '../api';
import { t, type MessageKey } from '../i18n';
import { Field, FormError, errorProps, fieldError } from './form';
import { useDraft } from './hooks';
import { cycleLabel } from './labels';
import type { NeedKind } from '../../../contracts/kinds';

/** Kinds entered on this form; a medical pass has its own (the pass application), a waste pickup is the corridor's (waste-request.tsx). */
type Kind = Exclude<NeedKind, 'medical_pass' | 'waste_pickup'>;

/** Which inputs each kind shows: name, input type. A need kind added to the domain must be decided here. */
const FIELDS: Record<Kind, [string, 'text' | 'number' | 'date' | 'urgency' | 'cycle'][]> = {
  food_package: [['cycle', 'cycle']],
  medicine: [['drug', 'text'], ['strength', 'text'], ['quantity', 'number'], ['urgency', 'urgency']],
  boxed_meal: [['date', 'date'], ['meals', 'number']],
  gas: [['cylinders', 'number']],
  rice: [['kg', 'number']],
  oil: [['litres', 'number']],
};
const FORM_KINDS = Object.keys(FIELDS) as Kind[];

/** GET /api/food-cycle: the food cycles a food_package may name now (server clock, server's cycle length). */
interface FoodCycles {
  current: { id: string };
  next: { id: string };
}

type Draft = Record<string, string> & { kind: Kind; key: string };

function bodyOf(draft: Draft): { kind: Kind; details: Record<string, unknown> } {
  const details: Record<string, unknown> = {};
  for (const [name, type] of FIELDS[draft.kind]) {
    const raw = (draft[name] ?? '').trim();
    if (raw === '') continue;
    // Sent as typed; the server says what is wrong with it, next to the field.
    details[name] = type === 'number' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  if (draft.notes?.trim()) details.notes = draft.notes.trim();
  return { kind: draft.kind, details };
}

interface Props {
  householdId: string;
  onSaved?: () => void;
}

export function NeedForm({ householdId, onSaved }: Props) {
  const [cycles, setCycles] = useState<FoodCycles | null>(null);
  const initial: Draft = { kind: 'food_package', cycle: cycles?.current.id ?? '', key: newIdempotencyKey(), urgency: 'routine' };
  const [draft, update, clear] = useDraft<Draft>(`need.${householdId}`, initial);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const kindRef = useRef<HTMLSelectElement>(null);
  const id = (name: string) => `need-${name}`;

  useEffect(() => {
    let live = true;
    api<FoodCycles>('/api/food-cycle').then(
      (c) => {
        if (!live) return;
        setCycles(c);
        // A draft kept from an earlier cycle (or none yet) gets the current one; current or next stays.
        if (draft.cycle !== c.current.id && draft.cycle !== c.next.id) update({ cycle: c.current.id });
      },
      () => undefined, // offline: the field stays as it is; empty means the current cycle to the server
    );
    return () => {
      live = false;
    };
  }, [householdId]);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setDone(null);
    try {
      // The key is kept with the draft: a retry after a lost answer is not a second need.
      const answer = await api<{ need: { status: string }; merged: boolean }>(`/api/households/${householdId}/needs`, { body: bodyOf(draft), idempotencyKey: draft.key });
      setError(null);
      setDone(answer.merged ? t('needMerged') : t('needSaved', { status: t(`status_${answer.need.status}` as MessageKey) }));
      clear();
      update({ ...initial, kind: draft.kind, key: newIdempotencyKey() });
      kindRef.current?.focus();
      onSaved?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="need-form" onSubmit={submit} noValidate aria-label={t('enterNeed')}>
      <Field id={id('kind')} label={t('kind')} error={fieldError(error, 'kind')}>
        <select id={id('kind')} ref={kindRef} value={draft.kind} onChange={(e) => update({ kind: e.currentTarget.value as Kind })}>
          {FORM_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind_${k}`)}
            </option>
          ))}
        </select>
      </Field>
      {FIELDS[draft.kind].map(([name, type]) => {
        const err = fieldError(error, `details.${name}`);
        return (
          <Field key={name} id={id(name)} label={t(name as MessageKey)} error={err}>
            {type === 'cycle' && cycles ? (
              // The cycle by its dates ("1–3 Dec"), the server's id as the value.
              <select id={id(name)} value={draft[name] || cycles.current.id} onChange={(e) => update({ [name]: e.currentTarget.value })} {...errorProps(id(name), err)}>
                <option value={cycles.current.id}>{t('cycleCurrent', { dates: cycleLabel(cycles.current.id) })}</option>
                <option value={cycles.next.id}>{t('cycleNext', { dates: cycleLabel(cycles.next.id) })}</option>
              </select>
            ) : type === 'urgency' ? (
              <select id={id(name)} value={draft[name] ?? 'routine'} onChange={(e) => update({ [name]: e.currentTarget.value })} {...errorProps(id(name), err)}>
                {['routine', 'today', 'emergency'].map((u) => (
                  <option key={u} value={u}>
                    {t(`urgency_${u}` as MessageKey)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id(name)}
                name={name}
                type={type === 'number' || type === 'cycle' ? 'text' : type}
                inputMode={type === 'number' ? 'numeric' : undefined}
                value={draft[name] ?? ''}
                onInput={(e) => update({ [name]: e.currentTarget.value })}
                {...errorProps(id(name), err)}
              />
            )}
          </Field>
        );
      })}
      <Field id={id('notes')} label={t('notes')} error={fieldError(error, 'details.notes')}>
        <input id={id('notes')} value={draft.notes ?? ''} onInput={(e) => update({ notes: e.currentTarget.value })} />
      </Field>
      <FormError error={error} />
      {done && (
        <p class="banner banner-ok" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('sending') : t('save')}
      </button>
    </form>
  );
}
