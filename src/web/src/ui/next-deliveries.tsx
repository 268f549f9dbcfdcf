/**
 * A resident's next deliveries in plain words (issue #17, item 7): per request on a planned round,
 * where it is handed over, when it is planned (and the gate's hours), the van's plate, and once the
 * van is on its way to the gate the half-hour window it is expected in (GET
 * /api/households/:householdId/deliveries; the page reloads it on `delivery.eta`).
 */
import type { HouseholdDeliveriesResponse } from '../../../contracts/handoff.contract';
import { t } from '../i18n';
import { clock, itemLabel, timeOfDay } from './labels';

export type NextDeliveriesData = HouseholdDeliveriesResponse;
type NextDelivery = NextDeliveriesData['deliveries'][number];

function Progress({ d }: { d: NextDelivery }) {
  if (d.eta) {
    return <p class="status status-out_for_delivery" role="status" data-testid="delivery-eta">{t('vanOnItsWay', { from: timeOfDay(d.eta.from), until: timeOfDay(d.eta.until) })}</p>;
  }
  return <p class="muted">{t(d.onTheRoad ? 'vanOnTheRoad' : 'vanNotOutYet')}</p>;
}

export function NextDeliveries({ data }: { data: NextDeliveriesData | undefined }) {
  const list = data?.deliveries ?? [];
  if (list.length === 0) return <p class="muted">{t('noNextDelivery')}</p>;
  const at = (s: number) => clock(data!.shiftStartMin, s);
  return (
    <ul class="list" data-testid="next-deliveries">
      {list.map((d) => (
        <li key={d.needId} class="stop" data-testid="next-delivery" data-need-id={d.needId}>
          <p><strong>{t('deliveryAtGate', { kind: itemLabel(d.kind), gate: d.gate })}</strong></p>
          <p data-testid="delivery-planned">
            {t('plannedAround', { time: at(d.plannedS) })}
            {d.window && <> {t('gateOpenWindow', { from: at(d.window.fromS), until: at(d.window.untilS) })}</>}
            {d.vehiclePlate && <> · {t('deliveryVan', { plate: d.vehiclePlate })}</>}
          </p>
          <Progress d={d} />
        </li>
      ))}
    </ul>
  );
}
