/**
 * Publishes need status changes live: every change committed to need_status_history (by intake,
 * the planner, dispatch, drivers, the gate, the reconciler, a cancellation) becomes a
 * `need.status_changed` event for the household and its corridor. Events are stored in the same
 * transaction that takes the changes, then fanned out: nothing is published before its change
 * committed, nothing is lost to a crash. Safe in every API process (rows are taken with SKIP LOCKED).
 */
import type { Kysely } from 'kysely';
import { scope, type Envelope } from '../contracts/events';
import type { Logger } from '../shared/logger';
import type { Db } from '../store/db';
import { takePendingNeedChanges } from '../store/need-status-live.repository';
import type { LivePublisher } from './live.service';
import { needStatusEvent } from './need-events';

export interface NeedStatusRelayDeps {
  db: Db;
  publisher: Pick<LivePublisher, 'storeMany' | 'fanOut'>;
  logger: Logger;
}

/** Publishes up to `limit` pending changes; returns how many were taken. */
export async function relayNeedStatusOnce(deps: NeedStatusRelayDeps, limit = BATCH): Promise<number> {
  let envelopes: Envelope[] = [];
  const taken = await deps.db.transaction().execute(async (trx) => {
    const changes = await takePendingNeedChanges(trx, limit);
    const events = changes.map((c) => ({
      scopes: [scope.household(c.householdId), scope.corridor(c.corridorId)],
      event: needStatusEvent({ ...c, status: c.to, previousStatus: c.from, reason: c.to === 'failed' ? c.failureReason : null }),
    }));
    if (events.length) envelopes = await deps.publisher.storeMany(trx as unknown as Kysely<object>, events);
    return changes.length;
  });
  if (envelopes.length) await deps.publisher.fanOut(envelopes);
  return taken;
}

/** Changes taken per batch. */
const BATCH = 500;

/**
 * Polls until stopped: waits `pollMs` (default 500 ms) when nothing was pending, `busyPollMs`
 * (default 50 ms) after a part batch, and none after a full one. Under steady intake, taking at
 * once whatever had trickled in made batches of ~8 changes, each a transaction of four round
 * trips; a short pause lets a batch fill. Returns `stop`.
 */
export function startNeedStatusRelay(deps: NeedStatusRelayDeps, pollMs = 500, busyPollMs = 50): () => Promise<void> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      let taken = 0;
      try {
        taken = await relayNeedStatusOnce(deps, BATCH);
      } catch (err) {
        // The database is away: the changes stay pending and are tried again.
        deps.logger.warn({ err: (err as Error).message }, 'need status relay failed, will retry');
      }
      const pause = taken === 0 ? pollMs : taken < BATCH ? busyPollMs : 0;
      if (pause > 0 && !stopped) await new Promise<void>((r) => ((wake = r), setTimeout(r, pause)));
    }
  })();
  return async () => {
    stopped = true;
    wake?.();
    await done;
  };
}
