/**
 * Receiving a batch at the gate: each stop coming to this corridor, its households' doors to check
 * off as handed over or failed (stored on the server, queued on the phone while offline: see
 * gate-outbox.ts), the handover confirmed with the driver's code (after the queued ticks went out,
 * so its answer counts them), photos of failed doors and of the handoff, and the stop's status (live);
 * then the corridor's waste pickups (gate-waste.tsx).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { HandoffForm, type Checked } from './gate-handoff';
import { GateDoor, type Door } from './gate-door';
import { dismissRefused, doorKey, flushCheckOffs, onCheckOffsChange, queuedCheckOffs, refusedCheckOffs } from './gate-outbox';
import { GatePhoto } from './gate-photo';
import { GateWaste, type GateWastePickup } from './gate-waste';
import { useLoad } from './hooks';

interface Delivery {
  batchId: string;
  stopId: string;
  status: string;
  households: Door[];
  photos: { id: string; householdId: string | null; href: string }[];
}

/** The queue as the page shows it, re-read when it changes; a tick sent means the server's view changed. */
function useQueued(onSent: () => void) {
  const [queued, setQueued] = useState(queuedCheckOffs);
  const [refused, setRefused] = useState(refusedCheckOffs);
  useEffect(() => {
    void flushCheckOffs();
    return onCheckOffsChange(() => {
      const next = queuedCheckOffs();
      setRefused(refusedCheckOffs());
      setQueued((old) => (next.length < old.length && onSent(), next));
    });
  }, []);
  return { queued: new Map(queued.map((q) => [doorKey(q), q])), refused };
}

/** Ticks the server refused for good (the door went the other way, the stop closed): said once, then dismissed. */
function RefusedTicks({ refused }: { refused: { message: string }[] }) {
  if (refused.length === 0) return null;
  return (
    <div class="banner banner-warn" role="alert" data-testid="refused-ticks">
      <p>{t('refusedTicks', { n: refused.length })}</p>
      <ul>{refused.map((r, i) => <li key={i}>{r.message}</li>)}</ul>
      <button type="button" class="secondary" onClick={dismissRefused}>{t('dismiss')}</button>
    </div>
  );
}

export function GateReceive({ corridorId, version, onChange }: { corridorId: string; version: number; onChange: () => void }) {
  const deliveries = useLoad(`${corridorId}-${version}`, () =>
    api<{ deliveries: Delivery[]; shiftStartMin: number; wastePickups: GateWastePickup[] }>(`/api/corridors/${corridorId}/deliveries`));
  const { queued, refused } = useQueued(onChange);
  // The handoff's answer, kept for the stop once it shows delivered.
  const [handedOff, setHandedOff] = useState<Record<string, Checked>>({});
  const list = deliveries.data?.deliveries ?? [];
  const waste = <GateWaste pickups={deliveries.data?.wastePickups ?? []} shiftStartMin={deliveries.data?.shiftStartMin ?? 0} />;
  if (list.length === 0) return <><RefusedTicks refused={refused} />{deliveries.data?.wastePickups.length ? waste : <p class="muted">{t('noIncoming')}</p>}</>;
  return (
    <>
    <RefusedTicks refused={refused} />
    <ul class="list" data-testid="gate-receive">
      {list.map((d) => {
        const states = d.households.map((h) => h.checkOff?.outcome ?? queued.get(doorKey({ stopId: d.stopId, householdId: h.householdId }))?.outcome);
        const open = d.status === 'loaded' || d.status === 'pending';
        return (
          <li key={d.stopId} class="stop" data-stop-id={d.stopId} data-status={d.status}>
            <p class="row">
              <strong>{t('incomingStop', { n: d.households.reduce((n, h) => n + h.bags.length, 0) })}</strong>
              <span class={`status status-${d.status === 'loaded' ? 'planned' : d.status}`}>{t(d.status === 'delivered' || d.status === 'failed' ? (`status_${d.status}` as MessageKey) : 'status_out_for_delivery')}</span>
            </p>
            <p class="muted" data-testid="door-summary">
              {t('doorSummary', { handed: states.filter((s) => s === 'handed_over').length, failed: states.filter((s) => s === 'failed').length, unchecked: states.filter((s) => !s).length })}
            </p>
            {d.households.map((h) => (
              <GateDoor key={h.householdId} corridorId={corridorId} stopId={d.stopId} door={h} queued={queued.get(doorKey({ stopId: d.stopId, householdId: h.householdId }))} open={open} onPhoto={onChange} />
            ))}
            {open && <HandoffForm corridorId={corridorId} stopId={d.stopId} onDone={(c) => (setHandedOff((m) => ({ ...m, [d.stopId]: c })), onChange())} />}
            {handedOff[d.stopId] && (
              <p role="status" data-testid="handoff-checked">
                {t('handoffChecked', { handed: handedOff[d.stopId]!.handedOver, failed: handedOff[d.stopId]!.failed, unchecked: handedOff[d.stopId]!.unchecked })}
              </p>
            )}
            <GatePhoto corridorId={corridorId} stopId={d.stopId} label={t('photoOfHandoff')} onDone={onChange} />
            {d.photos.length > 0 && (
              <div class="gate-photos">
                {d.photos.map((p, i) => (
                  <img key={p.id} src={p.href} alt={t(p.householdId ? 'photoDoorAlt' : 'photoHandoffAlt', { n: i + 1 })} data-testid="gate-photo" />
                ))}
              </div>
            )}
          </li>
        );
      })}
    </ul>
    {waste}
    </>
  );
}
