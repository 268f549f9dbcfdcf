/**
 * The corridor's waste pickups on the gate page, beside the deliveries (issue #18, item 5): the
 * truck by plate, when it is planned, what the corridor asked for and, once the crew recorded it,
 * the bags and weight picked up. The stop's status follows the driver's reports (the gate reloads).
 */
import { t, type MessageKey } from '../i18n';
import { clock } from './labels';

export interface GateWastePickup {
  batchId: string;
  stopId: string;
  status: 'pending' | 'loaded' | 'delivered' | 'failed';
  plannedStartS: number;
  vehicleName: string;
  vehiclePlate: string | null;
  requested: { category: string; bags: number; kg: number }[];
  pickup: { bags: number; kg: number; pickedAt: string } | null;
}

function statusText(p: GateWastePickup): string {
  if (p.pickup) return t('pickupRecorded', { n: p.pickup.bags, kg: p.pickup.kg });
  if (p.status === 'delivered') return t('wastePickedUp');
  if (p.status === 'failed') return t('status_failed');
  return t('wasteAwaitingPickup');
}

export function GateWaste({ pickups, shiftStartMin }: { pickups: GateWastePickup[]; shiftStartMin: number }) {
  if (pickups.length === 0) return null;
  return (
    <ul class="list" data-testid="gate-waste">
      {pickups.map((p) => (
        <li key={p.stopId} class="stop" data-stop-id={p.stopId} data-status={p.status}>
          <p class="row">
            <strong>{t('wastePickupAt', { time: clock(shiftStartMin, p.plannedStartS) })}</strong>
            <span class={`status status-${p.pickup || p.status === 'delivered' ? 'delivered' : p.status === 'failed' ? 'failed' : 'planned'}`} data-testid="gate-waste-status">
              {statusText(p)}
            </span>
          </p>
          <p class="muted" data-testid="gate-waste-truck">{t('wasteTruck', { plate: p.vehiclePlate ?? p.vehicleName })}</p>
          <ul class="list">
            {p.requested.map((r) => (
              <li key={r.category}>{t('wasteAskedFor', { category: t(`waste_${r.category}` as MessageKey), n: r.bags, kg: r.kg })}</li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
