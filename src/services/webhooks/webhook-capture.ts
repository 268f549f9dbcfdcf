/**
 * Where webhooks start: the live publisher calls `captureWebhookEvents` in the transaction that
 * stores its events (live.service.ts), so an event is in `webhook_deliveries` for every subscribed
 * endpoint exactly when it is in `live_events`: committed together or not at all. The workers then
 * deliver from that table (webhook-delivery.service.ts).
 *
 * Why there and not a relay over `live_events`: that table has one row per scope and no order
 * across scopes, while the publisher knows each batch's order. Why not a trigger: same reason (a
 * statement's transition table has no order). The cost with no endpoint registered is one insert
 * that joins an empty table.
 */
import type { LiveEvent } from '../../contracts/events';
import type { Db } from '../../store/db';
import { captureDeliveries } from '../../store/webhook-delivery.repository';

export interface PublishedEvent {
  id: string;
  at: Date;
  event: LiveEvent;
}

/** The delivered JSON: `{id, type, occurredAt, data}`, data being the event's fields without `type`. */
export function webhookBody(e: PublishedEvent): string {
  const { type, ...data } = e.event;
  return JSON.stringify({ id: e.id, type, occurredAt: e.at.toISOString(), data });
}

export async function captureWebhookEvents(db: Db, events: readonly PublishedEvent[]): Promise<void> {
  await captureDeliveries(db, events.map((e) => ({ id: e.id, type: e.event.type, at: e.at, body: webhookBody(e) })));
}
