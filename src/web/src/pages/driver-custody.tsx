/**
 * The custody of a waste trip on the driver's page (issue #18, item 2): at each stop the bags and kg
 * taken, at the disposal site the trip's weight, after the trip the vehicle's disinfection. Each is
 * queued (src/web/src/ui/custody-outbox.ts) and shown at once as recorded; a record the server
 * refuses is said in words, a 409 as "already final".
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { acceptedCustody, custodyKey, onCustodyChange, queuedCustody, recordCustody, refusedCustody, type CustodyRecord } from '../ui/custody-outbox';

export interface TripCustodyState { unloadedKg: number | null; disinfection: { agent: string; disinfectedAt: string } | null }

/** Re-renders on every change of the custody queue. */
export function useCustodyQueue(): void {
  const [, setN] = useState(0);
  useEffect(() => onCustodyChange(() => setN((n) => n + 1)), []);
}

const waiting = (key: string): CustodyRecord | undefined => queuedCustody().find((q) => custodyKey(q) === key);

/**
 * What the page shows of a record (`pick` reads it off a record of its kind): the phone's while it
 * waits to be sent (`queued`), else the server's (`held`, from the page's last load), else the one
 * the server accepted a moment ago while the page reloads what the server holds.
 */
export function shownRecord<T>(key: string, held: T | null | undefined, pick: (r: CustodyRecord) => T | undefined): { value: T | null; queued: boolean } {
  const queued = waiting(key);
  const mine = queued && pick(queued);
  if (mine !== undefined) return { value: mine, queued: true };
  const accepted = acceptedCustody(key);
  return { value: held ?? (accepted && pick(accepted)) ?? null, queued: false };
}

export function Refused({ recordKey }: { recordKey: string }) {
  const refused = refusedCustody().find((r) => r.key === recordKey);
  if (!refused) return null;
  return (
    <p class="banner banner-error" role="alert" data-testid="custody-refused">
      {refused.final ? t('custodyFinal') : t('custodyRefused', { message: refused.message })}
    </p>
  );
}

/** A number field and a submit button: `fields` names the inputs, `onSave` gets their values as the form holds them when sent. */
function SmallForm({ id, testId, fields, onSave }: { id: string; testId: string; fields: { name: string; label: string; type: 'number' | 'text' }[]; onSave: (values: Record<string, string>) => void }) {
  const submit = (form: HTMLFormElement) => {
    const data = new FormData(form);
    onSave(Object.fromEntries(fields.map((f) => [f.name, String(data.get(f.name) ?? '')])));
  };
  return (
    <form class="inline-form" data-testid={testId} onSubmit={(e) => (e.preventDefault(), submit(e.currentTarget))}>
      {fields.map((f) => (
        <label key={f.name} for={`${id}-${f.name}`}>
          {f.label}{' '}
          <input id={`${id}-${f.name}`} name={f.name} type={f.type} required min={f.type === 'number' ? 0 : undefined} step={f.type === 'number' ? 'any' : undefined} />
        </label>
      ))}
      <button type="submit">{t('record')}</button>
    </form>
  );
}

export function PickupForm({ roundId, stopId, pickup }: { roundId: string; stopId: string; pickup: { bags: number; kg: number } | null }) {
  useCustodyQueue();
  const key = `pickup:${roundId}:${stopId}`;
  const { value: shown, queued } = shownRecord(key, pickup, (r) => (r.kind === 'pickup' ? r.body : undefined));
  return (
    <div class="custody" data-testid="waste-pickup">
      {shown && (
        <p role="status" data-testid="waste-pickup-recorded">
          {t('pickupRecorded', { n: shown.bags, kg: shown.kg })}
          {queued && ` · ${t('custodyQueued')}`}
        </p>
      )}
      <Refused recordKey={key} />
      <SmallForm id={`pickup-${stopId}`} testId="waste-pickup-form" fields={[{ name: 'bags', label: t('wasteBags'), type: 'number' }, { name: 'kg', label: t('pickupKg'), type: 'number' }]}
        onSave={(v) => void recordCustody({ kind: 'pickup', roundId, stopId, body: { bags: Math.round(Number(v.bags)), kg: Number(v.kg), pickedAt: new Date().toISOString() } })} />
    </div>
  );
}

export function TripCustody({ roundId, tripId, siteName, custody }: { roundId: string; tripId: string; siteName: string; custody: TripCustodyState }) {
  useCustodyQueue();
  const unloadKey = `unload:${roundId}:${tripId}`;
  const disinfectionKey = `disinfection:${roundId}:${tripId}`;
  const { value: kg, queued: unload } = shownRecord(unloadKey, custody.unloadedKg, (r) => (r.kind === 'unload' ? r.body.kg : undefined));
  const { value: agent, queued: disinfection } = shownRecord(disinfectionKey, custody.disinfection?.agent, (r) => (r.kind === 'disinfection' ? r.body.agent : undefined));
  return (
    <div class="custody" data-testid="trip-custody">
      <h3>{t('unloadAtSite', { site: siteName })}</h3>
      {kg !== null ? (
        <p role="status" data-testid="waste-unloaded">{t('siteWeightRecorded', { kg })}{unload && ` · ${t('custodyQueued')}`}</p>
      ) : (
        <SmallForm id={`unload-${tripId}`} testId="waste-unload-form" fields={[{ name: 'kg', label: t('siteWeightKg'), type: 'number' }]}
          onSave={(v) => void recordCustody({ kind: 'unload', roundId, tripId, body: { kg: Number(v.kg), unloadedAt: new Date().toISOString() } })} />
      )}
      <Refused recordKey={unloadKey} />
      <h3>{t('disinfection')}</h3>
      {agent ? (
        <p role="status" data-testid="disinfected">{t('disinfectionRecorded', { agent })}{disinfection && ` · ${t('custodyQueued')}`}</p>
      ) : (
        <>
          <p class="banner banner-warn" data-testid="awaiting-disinfection">{t('noFoodUntilDisinfected')}</p>
          <SmallForm id={`disinfection-${tripId}`} testId="disinfection-form" fields={[{ name: 'agent', label: t('disinfectionAgent'), type: 'text' }]}
            onSave={(v) => void recordCustody({ kind: 'disinfection', roundId, tripId, body: { agent: (v.agent ?? '').trim(), disinfectedAt: new Date().toISOString() } })} />
        </>
      )}
      <Refused recordKey={disinfectionKey} />
    </div>
  );
}
