/**
 * Driver reports (position, stop outcomes): check the batch is the driver's, record, recompute the
 * ETAs of the stops left and publish to the batch, the dispatch desk and the corridors waiting.
 */
import type { ReportAck } from '../../contracts/event-socket';
import { scope, type LiveEvent, type Scope } from '../../contracts/events';
import type { PositionReport, StopReport } from '../../contracts/event-socket';
import { canAccessDriver, type Actor } from '../../domain/access';
import type { Clock } from '../../shared/clock';
import { estimateEtas } from '../../domain/eta';
import type { Db } from '../../store/db';
import type { LivePublisher, Staged } from './live.service';

export type StopStatus = 'pending' | 'arrived' | 'delivered' | 'failed';

export interface TrackedStop {
  stopId: string;
  corridorId: string;
  householdIds: readonly string[];
  lat: number;
  lon: number;
  plannedStartS: number;
  status: StopStatus;
  bagCount: number;
}

export interface TrackedBatch {
  batchId: string;
  driverId: string;
  /** In route order. */
  stops: readonly TrackedStop[];
}

export interface TrackingStore {
  loadBatch(batchId: string): Promise<TrackedBatch | null>;
  /**
   * Closes a stop, with its live event stored in the same transaction (`storeEvent`): a closed stop
   * is never without its event, whatever happens to the process next (published after the commit,
   * it was lost when the process died between the two). The event staged, to release; `repeat`
   * when the stop was closed already (a retried report: publish nothing).
   */
  closeStop(batchId: string, stopId: string, status: 'delivered' | 'failed', storeEvent: (trx: Db) => Promise<Staged[]>): Promise<Staged[] | 'repeat'>;
  /** Carries a closed stop over to its round and its needs; must not throw (the reconciler does it later). */
  settleStop(batchId: string, stopId: string): Promise<void>;
}

export interface DriverTracking {
  reportPosition(actor: Actor, report: PositionReport): Promise<ReportAck>;
  reportStop(actor: Actor, report: StopReport): Promise<ReportAck>;
}

export interface TrackingDeps {
  store: TrackingStore;
  publisher: LivePublisher;
  clock: Clock;
  /** Road speed assumed for the leg to the next stop, km/h. Default 20. */
  speedKmh?: number;
  /** After a stop closed (delivered, failed) and its event went out: e.g. the next stop's households hear their ETA. Must not throw. */
  onStopClosed?: (batchId: string) => Promise<void>;
}

const open = (s: TrackedStop): boolean => s.status === 'pending' || s.status === 'arrived';

export function createDriverTracking(deps: TrackingDeps): DriverTracking {
  async function ownBatch(actor: Actor, batchId: string): Promise<TrackedBatch | ReportAck> {
    const batch = await deps.store.loadBatch(batchId);
    if (!batch) return { ok: false, error: 'not_found' };
    // Only the assigned driver reports for a batch (dispatchers watch, they don't drive).
    if (actor.role !== 'driver' || !canAccessDriver(actor, batch.driverId)) return { ok: false, error: 'forbidden' };
    return batch;
  }

  return {
    async reportPosition(actor, report) {
      const batch = await ownBatch(actor, report.batchId);
      if ('ok' in batch) return batch;
      const at = report.at ? new Date(report.at) : deps.clock.now();
      const remaining = batch.stops.filter(open);
      const etas = estimateEtas(report, at, remaining, deps.speedKmh);
      const scopes: Scope[] = [scope.batch(batch.batchId), scope.dispatch, ...remaining.map((s) => scope.corridor(s.corridorId))];
      const event: LiveEvent = { type: 'vehicle.position', batchId: batch.batchId, lat: report.lat, lon: report.lon, at: at.toISOString(), etas };
      await deps.publisher.publish(scopes, event);
      return { ok: true };
    },

    async reportStop(actor, report) {
      const batch = await ownBatch(actor, report.batchId);
      if ('ok' in batch) return batch;
      const stop = batch.stops.find((s) => s.stopId === report.stopId);
      if (!stop) return { ok: false, error: 'not_found' };
      if (!open(stop)) return { ok: true }; // already closed: a retried report
      const at = deps.clock.now().toISOString();
      const base = { batchId: batch.batchId, stopId: stop.stopId, at };
      const event: LiveEvent =
        report.outcome === 'arrived'
          ? { type: 'stop.arrived', ...base }
          : report.outcome === 'delivered'
            ? { type: 'stop.delivered', ...base, bagIds: report.bagIds, bagCount: report.bagIds.length || stop.bagCount }
            : { type: 'stop.failed', ...base, reason: report.reason, bagCount: stop.bagCount };
      const scopes: Scope[] = [
        scope.batch(batch.batchId),
        scope.dispatch,
        scope.corridor(stop.corridorId),
        ...stop.householdIds.map((h) => scope.household(h)),
      ];
      // The needs' own status changes go out through the need status relay (need-status-relay.service), once each.
      // Arrival is not a stored stop state: its event is all there is to record.
      if (event.type === 'stop.arrived') {
        await deps.publisher.publish(scopes, event);
        return { ok: true };
      }
      const staged = await deps.store.closeStop(batch.batchId, stop.stopId, event.type === 'stop.delivered' ? 'delivered' : 'failed', (trx) => deps.publisher.store(trx, scopes, event));
      if (staged === 'repeat') return { ok: true };
      // Out at once, before the round's settling: a later event of the same scope (the
      // dispatch desk's: every stop's) sent before it makes every socket of the scope resume.
      await deps.publisher.release(staged);
      await deps.store.settleStop(batch.batchId, stop.stopId);
      await deps.onStopClosed?.(batch.batchId);
      return { ok: true };
    },
  };
}
