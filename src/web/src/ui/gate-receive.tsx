/**
 * Receiving a batch at the gate: each stop coming to this corridor, its bags per household to check
 * off as they are handed over (ticks kept in the session vault, so a reload loses none), the handover
 * confirmed with the driver's code or a door reported failed, and the stop's status (live).
 */
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { DoorFailed, HandoffForm } from './gate-handoff';
import { useDraft, useLoad } from './hooks';

interface Delivery {
  batchId: string;
  stopId: string;
  status: string;
  households: { householdId: string; address: string; bags: { bagId: string; kind: string }[] }[];
}

export function GateReceive({ corridorId, version, onChange }: { corridorId: string; version: number; onChange: () => void }) {
  const deliveries = useLoad(`${corridorId}-${version}`, () => api<{ deliveries: Delivery[] }>(`/api/corridors/${corridorId}/deliveries`));
  const [ticks, setTicks] = useDraft<Record<string, boolean>>(`gate.${corridorId}`, {});
  const list = deliveries.data?.deliveries ?? [];
  if (list.length === 0) return <p class="muted">{t('noIncoming')}</p>;
  return (
    <ul class="list" data-testid="gate-receive">
      {list.map((d) => {
        const done = d.households.filter((h) => ticks[`${d.stopId}:${h.householdId}`]).length;
        const open = d.status === 'loaded' || d.status === 'pending';
        return (
          <li key={d.stopId} class="stop" data-stop-id={d.stopId} data-status={d.status}>
            <p class="row">
              <strong>{t('incomingStop', { n: d.households.reduce((n, h) => n + h.bags.length, 0) })}</strong>
              <span class={`status status-${d.status === 'loaded' ? 'planned' : d.status}`}>{t(d.status === 'delivered' || d.status === 'failed' ? (`status_${d.status}` as MessageKey) : 'status_out_for_delivery')}</span>
            </p>
            <p class="muted">{t('checkedOff', { done, total: d.households.length })}</p>
            {d.households.map((h) => {
              const key = `${d.stopId}:${h.householdId}`;
              const id = `tick-${d.stopId}-${h.householdId}`;
              return (
                <div key={key} class="gate-household">
                  <div class="check">
                    <input id={id} type="checkbox" checked={!!ticks[key]} onChange={(e) => setTicks({ [key]: e.currentTarget.checked })} />
                    <label for={id}>
                      {h.address.split(', ').slice(-1)[0]} · {t('bags', { n: h.bags.length })} ({h.bags.map((b) => t(`kind_${b.kind}` as MessageKey)).join(', ')})
                    </label>
                  </div>
                  {open && <DoorFailed corridorId={corridorId} stopId={d.stopId} householdId={h.householdId} onDone={onChange} />}
                </div>
              );
            })}
            {open && <HandoffForm corridorId={corridorId} stopId={d.stopId} onDone={onChange} />}
          </li>
        );
      })}
    </ul>
  );
}
