/**
 * What a captured live event means for notices: which message, about what (the subject, part of
 * the dedup key), to whom (a household's residents, a corridor's unit chiefs, a community's staff)
 * and with which placeholder values. Reads names of places and the trip's stops; never a need's
 * details. The ETA is the van's: when it leaves a stop (delivered or failed), the next open stop's
 * households are told a half-hour window (domain/notices.ts etaWindow) computed from that stop and
 * time with the live tracking's estimate (domain/eta.ts); the first stop's, when the van leaves
 * the depot (the driver's `trip.departed` report), from the depot; a re-plan of the batch computes
 * it again from the same departure, so an unchanged window is the same dedup key and is not sent twice.
 */
import { parseBatchId, type LiveEvent, type LiveEventOf } from '../../contracts/events';
import { estimateEtas, type Point } from '../../domain/eta';
import { etaWindow, VAN_NEAR_MS, type NoticeKind } from '../../domain/notices';
import type { Db } from '../../store/db';
import { tripStops, type TripStopRow } from '../../store/event-tracking.repository';
import { areaNames, depotName, lastLeave, tripDepot, type CapturedEvent } from '../../store/notice.repository';
import { requestsOf } from '../../store/pass-transport.repository';

export type NoticeTarget = { households: readonly string[] } | { corridors: readonly string[] } | { communities: readonly string[] | null };

export interface NoticeIntent {
  kind: NoticeKind;
  target: NoticeTarget;
  /** What the message is about; with the kind and the person, the dedup key. */
  subject: string;
  params: Record<string, string | number | null>;
}

const short = (id: string): string => id.replace(/-/g, '').slice(0, 8).toUpperCase();
const isOpen = (s: TripStopRow): boolean => s.status === 'pending' || s.status === 'loaded';

async function stopsOf(db: Db, batchId: string): Promise<TripStopRow[]> {
  const trip = parseBatchId(batchId);
  return trip ? tripStops(db, trip.roundId, trip.tripId) : [];
}

async function gateName(db: Db, corridorId: string): Promise<string | null> {
  return (await areaNames(db, [corridorId])).get(corridorId) ?? null;
}

/** The ETA notice of the first open stop, the van having left `from` (a stop, or the depot) at `at`. */
async function nextEta(db: Db, batchId: string, stops: readonly TripStopRow[], from: Point | undefined, at: Date): Promise<NoticeIntent[]> {
  const open = stops.filter(isOpen);
  const next = open[0];
  if (!from || !next) return [];
  const [first] = estimateEtas(from, at, open);
  if (!first) return [];
  const window = etaWindow(new Date(first.eta));
  const roundId = parseBatchId(batchId)?.roundId ?? batchId;
  return [{
    kind: 'delivery_eta',
    target: { households: next.householdIds },
    subject: `${roundId}:${next.stopId}:${window.from.toISOString()}`,
    params: { gate: await gateName(db, next.corridorId), from: window.from.toISOString(), until: window.until.toISOString() },
  }];
}

/** Where the van left from: a stop of the batch, or its depot (`stopId` null). */
async function leftFrom(db: Db, batchId: string, stops: readonly TripStopRow[], stopId: string | null): Promise<Point | undefined> {
  if (stopId !== null) return stops.find((s) => s.stopId === stopId);
  const trip = parseBatchId(batchId);
  return (trip && (await tripDepot(db, trip.roundId, trip.tripId))) ?? undefined;
}

/**
 * The van left the depot: the first stop's ETA. Only while no stop of the trip is closed: a
 * departure queued offline and sent after the first stop's report is history, and that report
 * already told the next stop.
 */
async function departed(db: Db, e: LiveEventOf<'trip.departed'>): Promise<NoticeIntent[]> {
  const stops = await stopsOf(db, e.batchId);
  if (!stops.every(isOpen)) return [];
  return nextEta(db, e.batchId, stops, await leftFrom(db, e.batchId, stops, null), new Date(e.at));
}

async function stopClosed(db: Db, e: LiveEventOf<'stop.delivered'> | LiveEventOf<'stop.failed'>): Promise<NoticeIntent[]> {
  const stops = await stopsOf(db, e.batchId);
  const stop = stops.find((s) => s.stopId === e.stopId);
  if (!stop) return [];
  const gate = await gateName(db, stop.corridorId);
  const subject = `${e.batchId}:${e.stopId}`;
  const outcome: NoticeIntent = e.type === 'stop.delivered'
    ? { kind: 'delivery_done', target: { households: stop.householdIds }, subject, params: { gate, bags: e.bagCount } }
    : { kind: 'delivery_failed', target: { households: stop.householdIds }, subject, params: { gate, reason: e.reason } };
  return [outcome, ...(await nextEta(db, e.batchId, stops, stop, new Date(e.at)))];
}

async function vanNear(db: Db, e: LiveEventOf<'vehicle.position'>): Promise<NoticeIntent[]> {
  const at = Date.parse(e.at);
  const near = e.etas.filter((x) => Date.parse(x.eta) - at <= VAN_NEAR_MS);
  if (near.length === 0) return [];
  const stops = await stopsOf(db, e.batchId);
  const names = await areaNames(db, [...new Set(stops.map((s) => s.corridorId))]);
  return near.flatMap((x) => {
    const stop = stops.find((s) => s.stopId === x.stopId && isOpen(s));
    return stop ? [{ kind: 'van_near' as const, target: { corridors: [stop.corridorId] }, subject: `${e.batchId}:${stop.stopId}`, params: { gate: names.get(stop.corridorId) ?? null, eta: x.eta } }] : [];
  });
}

async function passApproved(db: Db, e: LiveEventOf<'pass.state'>): Promise<NoticeIntent[]> {
  const legs = await requestsOf(db, { passId: e.passId });
  const time = (leg: string) => legs.find((l) => l.leg === leg)?.earliest_pickup.toISOString() ?? null;
  return [{ kind: 'pass_approved', target: { households: [e.householdId] }, subject: e.passId, params: { ref: short(e.passId), outbound: time('outbound'), return: time('return') } }];
}

async function alertRaised(db: Db, e: LiveEventOf<'alert.raised'>): Promise<NoticeIntent[]> {
  const community = (await areaNames(db, [e.communityId])).get(e.communityId) ?? null;
  const kind: NoticeKind = e.kind === 'pass_overdue' ? 'pass_overdue' : 'emergency_case';
  if (e.kind === 'emergency_trip_assigned') return []; // progress of a case staff already heard of
  return [{ kind, target: { communities: [e.communityId] }, subject: `${e.kind}:${e.subjectId}`, params: { ref: short(e.subjectId), community } }];
}

/**
 * The notices of an event that reads nothing to say them (a need accepted: most of what is captured,
 * a cycle's entitlements by the hundred thousand); undefined for the others, which intentsOf reads for.
 */
export function intentsWithoutReading(captured: CapturedEvent): NoticeIntent[] | undefined {
  const e = captured.data as LiveEvent;
  if (e.type !== 'need.status_changed') return undefined;
  // A corridor's own need (a waste pickup, householdId null) has no resident to tell.
  return e.status === 'accepted' && e.householdId ? [{ kind: 'need_accepted', target: { households: [e.householdId] }, subject: e.needId, params: { ref: short(e.needId) } }] : [];
}

/** The notices an event asks for (none for most). */
export async function intentsOf(db: Db, captured: CapturedEvent): Promise<NoticeIntent[]> {
  const plain = intentsWithoutReading(captured);
  if (plain) return plain;
  const e = captured.data as LiveEvent;
  switch (e.type) {
    case 'stop.delivered':
    case 'stop.failed':
      return stopClosed(db, e);
    case 'driver.batches_changed': {
      const out: NoticeIntent[] = [];
      for (const batchId of e.batchIds) {
        const left = await lastLeave(db, batchId);
        if (!left) continue;
        const stops = await stopsOf(db, batchId);
        out.push(...(await nextEta(db, batchId, stops, await leftFrom(db, batchId, stops, left.stopId), left.at)));
      }
      return out;
    }
    case 'trip.departed':
      return departed(db, e);
    case 'vehicle.position':
      return vanNear(db, e);
    case 'pass.state':
      return e.state === 'approved' ? passApproved(db, e) : [];
    case 'alert.raised':
      return alertRaised(db, e);
    case 'stock.alert':
      return [{
        kind: 'stock_low', target: { communities: null },
        subject: `${e.depotId}:${e.itemCode}:${e.level}:${captured.at.toISOString().slice(0, 10)}`,
        params: { depot: await depotName(db, e.depotId), item: e.itemCode, available: e.available, threshold: e.threshold },
      }];
    default:
      return [];
  }
}
