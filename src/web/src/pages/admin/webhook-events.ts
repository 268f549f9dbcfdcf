/**
 * The event catalogue as admins read it: every live event type a webhook can carry, by its name in
 * the page's language (`event_<type>` in the i18n files). The list is this table's keys, in the
 * order shown. A type missing here fails the web typecheck (`COMPLETE` below), so a new live event
 * cannot reach the API's catalogue without a readable name on the page.
 */
import type { LiveEventType } from '../../../../contracts/events';
import { t, type MessageKey } from '../../i18n';

const LABELS = {
  'need.status_changed': 'event_need_status_changed',
  'round.progress': 'event_round_progress',
  'round.proposed': 'event_round_proposed',
  'round.dispatched': 'event_round_dispatched',
  'driver.batches_changed': 'event_driver_batches_changed',
  'trip.departed': 'event_trip_departed',
  'vehicle.handover': 'event_vehicle_handover',
  'vehicle.position': 'event_vehicle_position',
  'delivery.eta': 'event_delivery_eta',
  'stop.arrived': 'event_stop_arrived',
  'stop.delivered': 'event_stop_delivered',
  'stop.failed': 'event_stop_failed',
  'round.manifest_changed': 'event_round_manifest_changed',
  'pass.state': 'event_pass_state',
  'alert.raised': 'event_alert_raised',
  'stock.alert': 'event_stock_alert',
  'area.risk_changed': 'event_area_risk_changed',
  'waste.custody_flagged': 'event_waste_custody_flagged',
  'webhook.disabled': 'event_webhook_disabled',
} as const satisfies Record<string, MessageKey>;

// Every live event type has a name here (a type the catalogue does not have yet may be named ahead of it).
type Unnamed = Exclude<LiveEventType, keyof typeof LABELS>;
const COMPLETE: [Unnamed] extends [never] ? true : Unnamed = true;
void COMPLETE;

/** The event types an admin chooses from, in the order shown (only those the API's catalogue has). */
export const WEBHOOK_EVENTS: readonly string[] = Object.keys(LABELS);

/** An event type in words; the type itself for one the page does not know (a newer server). */
export function eventLabel(type: string): string {
  return type in LABELS ? t(LABELS[type as keyof typeof LABELS]) : type;
}
