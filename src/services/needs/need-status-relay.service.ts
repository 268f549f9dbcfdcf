/**
 * Publishes need status changes live: every change committed to need_status_history (by intake,
 * the planner, dispatch, drivers, the gate, the reconciler, a cancellation) becomes a
 * `need.status_changed` event for the household and its corridor. Events are stored in the same
 * transaction that takes the changes, then fanned out: nothing is published before its change
 * committed, nothing is lost to a crash. Safe in every API process (rows are taken with SKIP LOCKED).
 * The trigger's NOTIFY wakes the relay at commit, so an event does not wait for the next poll.
 *
 * Two lanes (issue #21): changes written in bulk (a cycle's 137,000 entitlements, a round's plan or
 * dispatch; store/need-status-live.repository.ts `markBulkLane`) wait while the rest go first, so a
 * resident's or a driver's change is not queued behind them (at --scale 0.05 it waited 4.2 s behind
 * a cycle's 6,850). Each batch takes the interactive lane first; a bulk batch follows when the
 * interactive lane is drained, and at least every BULK_EVERY full interactive batches, so neither
 * lane starves. A need's changes still go out in order: taking one brings its earlier pending ones.
 */
import { liveEventSchema, scope } from '../../contracts/events';
import type { Logger } from '../../shared/logger';
import type { Database, Db } from '../../store/db';
import { takePendingNeedChanges, type NeedStatusLane } from '../../store/need-status-live.repository';
import type { LivePublisher, Staged } from '../live-status/live.service';
import { SCHEDULER_ACTOR } from '../../domain/access';
import { needStatusEvent } from './need-events';
import { startBatchLoop } from '../shared/relay-loop';

export interface NeedStatusRelayDeps {
  db: Db;
  publisher: Pick<LivePublisher, 'storeMany' | 'release'>;
  logger: Logger;
}

/**
 * Takes up to `limit` pending changes of `lane` past `after` (with their needs' earlier ones) and
 * stores their events, in one transaction; returns how many were taken, the envelopes to fan out
 * once it committed, and where the look stopped (takePendingNeedChanges).
 */
async function storeNeedStatusBatch(deps: NeedStatusRelayDeps, lane: NeedStatusLane, limit: number, after = '0'):
  Promise<{ taken: number; staged: Staged[]; lastSeen: string | null; full: boolean }> {
  return deps.db.transaction().execute(async (trx) => {
    const { changes, lastSeen, full } = await takePendingNeedChanges(trx, lane, limit, after);
    const events = changes.flatMap((c) => {
      const event = needStatusEvent({ ...c, status: c.to, previousStatus: c.from, reason: c.to === 'failed' ? c.failureReason : null });
      // One change the event schema refuses (a bug) must not hold back every later one: retried,
      // the whole batch failed again for ever and no status went out live (seen with the first
      // corridor-level needs). It is logged, ids only, and skipped; the need itself is unchanged.
      const checked = liveEventSchema.safeParse(event);
      if (!checked.success) {
        deps.logger.error({ needId: c.needId, historyId: c.historyId, paths: checked.error.issues.map((i) => i.path.join('.')) }, 'need status change cannot be published live: skipped');
        return [];
      }
      const scopes = c.householdId ? [scope.household(c.householdId), scope.corridor(c.corridorId)] : [scope.corridor(c.corridorId)];
      // A need the scheduler made (a cycle's entitlement; a due waste pickup, which has no household
      // to tell anyway) is nobody's request: its acceptance tells no one "your request is accepted"
      // (137,000 texts a cycle, and as many captured events to expand in its first minute).
      return [{ scopes, event: checked.data, notify: c.createdBy !== SCHEDULER_ACTOR }];
    });
    const staged = events.length ? await deps.publisher.storeMany(trx, events) : [];
    return { taken: changes.length, staged, lastSeen, full };
  });
}

/**
 * Publishes up to about `limit` pending changes, interactive ones first, then bulk ones while there
 * is room (a change's earlier pending ones come along and may pass the limit); returns how many were taken.
 */
export async function relayNeedStatusOnce(deps: NeedStatusRelayDeps, limit = BATCH): Promise<number> {
  let taken = 0;
  for (const lane of ['interactive', 'bulk'] as const) {
    if (taken >= limit) break;
    const batch = await storeNeedStatusBatch(deps, lane, limit - taken);
    if (batch.staged.length) await deps.publisher.release(batch.staged);
    taken += batch.taken;
  }
  return taken;
}

/** Interactive changes taken per batch. */
const BATCH = 500;

/** Bulk changes taken per batch, by default (NeedStatusRelayOptions.bulkBatch). */
const BULK_BATCH = 200;

/** A lane's look starts from its beginning again at least every this many batches (see startNeedStatusRelay). */
const RESCAN_EVERY = 8;

/** A bulk batch at least after this many full interactive ones in a row: bulk changes move under any load. */
const BULK_EVERY = 4;

export interface NeedStatusRelayOptions {
  /** Wake on this database's notifications (a change's trigger sends one at commit). Without it the relay only polls. */
  listen?: Database;
  /** Longest idle wait in ms: the fallback poll. Default 2000 when listening, 500 when not (the poll is then all there is). */
  idlePollMs?: number;
  /**
   * Pause in ms after a part batch, so a batch fills under load instead of being a transaction per
   * few changes. Default 10. It was 50 while the relay ran in the API processes, whose requests its
   * transactions slowed (intake bench 1,982-2,163/s without a pause, 2,258-2,264/s with 50 ms); in a
   * cluster's primary it slows no request, and 50 ms was half its turn under load (a need's 2xx to
   * the relay taking it p99 107-120 ms).
   */
  busyPauseMs?: number;
  /**
   * Bulk changes taken per batch. Default 200: an interactive change committed while a bulk batch is
   * being stored waits for that batch, so it is kept short. Measured (entitlements bench, 6,850
   * changes draining, load 13-14): a resident's change went out 267 ms after its commit with 200
   * (400 bulk changes before it), 970 ms with 500 (1,000 before), 6.7 s in one lane (all 6,850
   * before it); the drain took 7.3 s, 5.6 s and 7.4 s, within this machine's noise.
   */
  bulkBatch?: number;
}

/** Publishes pending changes until stopped: at once on a notification, otherwise at the idle poll. Returns `stop`. */
export function startNeedStatusRelay(deps: NeedStatusRelayDeps, options: NeedStatusRelayOptions = {}): () => Promise<void> {
  const { listen } = options;
  // The next batch does not wait for this one's fan-out: its XADDs were all issued on one
  // connection before the next batch's, so Redis keeps their order (and each scope's seq order).
  // Under intake load the wait was a seventh of the relay's turn (12 of ~90 ms, measured).
  let fanningOut: Promise<void> = Promise.resolve();
  const bulkBatch = options.bulkBatch ?? BULK_BATCH;
  // Where each lane's next look starts: past the last full batch, so it does not step over every
  // change taken since the last vacuum; from the start again when a look reached the lane's end, and
  // after RESCAN_EVERY batches, for changes left behind (one another relay held, one committed late
  // with a lower id). A need's changes still go out in order: taking one brings its earlier ones.
  const cursor: Record<NeedStatusLane, { after: string; batches: number }> = { interactive: { after: '0', batches: 0 }, bulk: { after: '0', batches: 0 } };
  const relay = async (lane: NeedStatusLane, limit: number) => {
    const look = cursor[lane];
    const { taken, staged, lastSeen, full } = await storeNeedStatusBatch(deps, lane, limit, look.after);
    if (full && lastSeen !== null && ++look.batches < RESCAN_EVERY) look.after = lastSeen;
    else cursor[lane] = { after: '0', batches: 0 };
    if (staged.length) {
      const sent = deps.publisher.release(staged);
      fanningOut = fanningOut.then(() => sent).then(() => undefined);
    }
    return taken;
  };
  let fullInteractive = 0;
  const loop = startBatchLoop(
    async () => {
      const interactive = await relay('interactive', BATCH);
      fullInteractive = interactive >= BATCH ? fullInteractive + 1 : 0;
      const bulk = fullInteractive % BULK_EVERY === 0 ? await relay('bulk', bulkBatch) : 0;
      return { taken: interactive + bulk, full: interactive >= BATCH || bulk >= bulkBatch };
    },
    {
      busyPauseMs: options.busyPauseMs ?? 10,
      idlePollMs: options.idlePollMs ?? (listen ? 2000 : 500),
      ...(listen ? { listen: { database: listen, topic: 'need_status' as const } } : {}),
    },
    // The changes stay pending and are tried again.
    { logger: deps.logger, failure: 'need status relay failed, will retry' },
  );
  return async () => {
    await loop.stop();
    await fanningOut;
  };
}
