/**
 * One household's door at the gate: its bags, ticked as handed over or reported failed with a
 * reason. A tick is queued on the phone (gate-outbox.ts) and sent when online, so the chief can
 * work on in a stairwell without signal; what the server stored, or what still waits to be sent,
 * shows beside the door. A failed door can take a photo.
 */
import { useState } from 'preact/hooks';
import type { STOP_FAILURE_REASONS } from '../../../contracts/events';
import { t, type MessageKey } from '../i18n';
import { GatePhoto } from './gate-photo';
import { checkOff, type CheckOff } from './gate-outbox';

/** The closed list of src/contracts/events.ts (types only here, so zod stays out of the bundle). */
const REASONS: readonly (typeof STOP_FAILURE_REASONS)[number][] = ['no_answer', 'access_blocked', 'refused', 'address_not_found', 'vehicle_issue', 'out_of_time', 'other'];

export interface Door {
  householdId: string;
  address: string;
  bags: { bagId: string; kind: string }[];
  checkOff: { outcome: 'handed_over' | 'failed'; reason: string | null } | null;
}

interface Props {
  corridorId: string;
  stopId: string;
  door: Door;
  /** The tick still waiting on the phone, if any. */
  queued: CheckOff | undefined;
  /** Whether a door may still fail (the stop is not closed). */
  open: boolean;
  onPhoto: () => void;
}

export function GateDoor({ corridorId, stopId, door, queued, open, onPhoto }: Props) {
  const [reason, setReason] = useState<string>('no_answer');
  const state = door.checkOff ?? (queued ? { outcome: queued.outcome, reason: queued.reason ?? null } : null);
  const id = `tick-${stopId}-${door.householdId}`;
  const tick = (outcome: CheckOff['outcome'], why?: string) =>
    void checkOff({ corridorId, stopId, householdId: door.householdId, outcome, ...(why ? { reason: why } : {}), checkedAt: new Date().toISOString() });
  return (
    <div class="gate-household" data-testid="gate-door" data-household-id={door.householdId} data-outcome={state?.outcome ?? ''} data-queued={!door.checkOff && queued ? 'true' : 'false'}>
      <div class="check">
        <input id={id} type="checkbox" checked={state?.outcome === 'handed_over'} disabled={state !== null} onChange={(e) => e.currentTarget.checked && tick('handed_over')} />
        <label for={id}>
          {door.address.split(', ').slice(-1)[0]} · {t('bags', { n: door.bags.length })} ({door.bags.map((b) => t(`kind_${b.kind}` as MessageKey)).join(', ')})
        </label>
      </div>
      {state && (
        <p class={state.outcome === 'failed' ? 'status status-failed' : 'status status-delivered'}>
          {state.outcome === 'failed' ? t('doorFailedAs', { reason: t(`reason_${state.reason ?? 'other'}` as MessageKey) }) : t('doorHandedOver')}
          {!door.checkOff && <span class="tag">{t('doorQueued')}</span>}
        </p>
      )}
      {!state && open && (
        <div class="inline-form">
          <label class="visually-hidden" for={`door-${stopId}-${door.householdId}`}>{t('failedDoorReason')}</label>
          <select id={`door-${stopId}-${door.householdId}`} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            {REASONS.map((r) => <option key={r} value={r}>{t(`reason_${r}` as MessageKey)}</option>)}
          </select>
          <button type="button" class="secondary" onClick={() => tick('failed', reason)}>{t('reportFailedDoor')}</button>
        </div>
      )}
      {door.checkOff?.outcome === 'failed' && <GatePhoto corridorId={corridorId} stopId={stopId} householdId={door.householdId} label={t('photoOfDoor')} onDone={onPhoto} />}
    </div>
  );
}
