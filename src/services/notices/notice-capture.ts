/**
 * Where notices start: the live publisher calls `captureNoticeEvents` in the transaction that
 * stores its events, or runs `noticeInsert` inside the statement that stores a single event
 * (live.service.ts, beside the webhooks' capture), so an event that may notify
 * someone is in `notice_events` exactly when it is stored at all: committed together or not at
 * all, and expanded into each person's notices later by the workers (notice-expand.service.ts).
 * Why there: every trigger (need status relay, driver reports, the gate, passes, emergencies,
 * stock) already goes through the publisher, and a relay over `live_events` would have to order
 * concurrent commits. Only the few events that can notify anyone are kept (filtered here, no
 * query): a van's position only when a stop is less than VAN_NEAR_MS away.
 */
import type { LiveEvent } from '../../contracts/events';
import { VAN_NEAR_MS } from '../../domain/notices';
import type { Db } from '../../store/db';
import type { RawBuilder } from 'kysely';
import { captureEvents, noticeEventsInsert } from '../../store/notice.repository';
import type { PublishedEvent } from '../webhooks/webhook-capture';

export function mayNotify(event: LiveEvent): boolean {
  switch (event.type) {
    case 'need.status_changed':
      return event.status === 'accepted';
    case 'stop.delivered':
    case 'stop.failed':
    case 'alert.raised':
    case 'stock.alert':
    case 'trip.departed': // the van left the depot: the first stop's ETA
      return true;
    case 'driver.batches_changed':
      // A re-plan of a batch already under way: the next stop's ETA is computed again (and sent only if its window changed).
      return event.cause !== 'round_dispatched';
    case 'pass.state':
      return event.state === 'approved';
    case 'vehicle.position': {
      const at = Date.parse(event.at);
      return event.etas.some((e) => Date.parse(e.eta) - at <= VAN_NEAR_MS);
    }
    case 'round.progress':
    case 'round.proposed':
    case 'round.dispatched':
    case 'stop.arrived':
    case 'delivery.eta': // the resident's page; the ETA notice is expanded from the stop that closed
    case 'round.manifest_changed':
    case 'area.risk_changed':
    case 'webhook.disabled':
    case 'waste.custody_flagged': // the desk follows a custody flag on its live feed: no notice to anyone's phone
    case 'vehicle.handover': // both drivers and the desk follow it live
      return false;
  }
}

const batchOf = (e: LiveEvent): string | null => ('batchId' in e ? e.batchId : null);

const captured = (events: readonly PublishedEvent[]) =>
  events.filter((e) => mayNotify(e.event)).map((e) => ({ eventId: e.id, type: e.event.type, at: e.at, batchId: batchOf(e.event), data: e.event }));

export async function captureNoticeEvents(db: Db, events: readonly PublishedEvent[]): Promise<void> {
  await captureEvents(db, captured(events));
}

/** The notices' rows of `events` as one insert to run inside the statement that stores them; null when none may notify. */
export function noticeInsert(events: readonly PublishedEvent[]): RawBuilder<unknown> | null {
  const kept = captured(events);
  return kept.length ? noticeEventsInsert(kept) : null;
}
