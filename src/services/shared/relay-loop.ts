/**
 * The loop of both relays (need status -> live events, outbox -> queue): take a batch, then decide
 * how long to wait. A notification (store/change-notify.ts) ends an idle wait at once; a burst of
 * them during a batch causes one more batch, not one each. Polling stays as the fallback.
 */
import type { Logger } from '../../shared/logger';
import { listenForChanges, type ChangeTopic } from '../../store/change-notify';
import type { Database } from '../../store/db';

/** What a batch did: how many rows it took, and whether it was full (more is waiting: the next one is taken at once). */
export interface BatchOutcome {
  taken: number;
  full: boolean;
}

export interface BatchLoopOptions {
  /**
   * Pause in ms after a part batch, so the next batch fills under load instead of taking whatever
   * trickled in (one transaction per few rows); a notification does not cut it short. 0: none.
   */
  busyPauseMs: number;
  /** Longest idle wait in ms: the poll that finds what no notification announced. */
  idlePollMs: number;
  /** Wake on this database's notifications of `topic`. Without it the loop only polls. */
  listen?: { database: Database; topic: ChangeTopic };
}

export interface BatchLoop {
  /** A change was committed: take a batch now, or once more after the current one. */
  wake(): void;
  /** Stops after the current batch; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * First idle wait after a batch that took something, doubled after each empty batch up to
 * `idlePollMs`. The triggers notify only when no older change is pending (migration 0014): a writer
 * that saw one pending but committed after the relay's last batch sent no notification, and is
 * found within about twice its delay instead of at the idle poll.
 */
const FIRST_LOOK_AGAIN_MS = 100;

/**
 * Runs `runBatch` until stopped. Its errors are logged as `failure` (the database or Redis is away)
 * and it is tried again later.
 */
export function startBatchLoop(runBatch: () => Promise<BatchOutcome>, options: BatchLoopOptions, log: { logger: Logger; failure: string }): BatchLoop {
  let stopped = false;
  let woken = false;
  let endWait: (() => void) | undefined;
  let wakeable = false;

  const wait = (ms: number, byNotification: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(end, ms);
      function end() {
        clearTimeout(timer);
        endWait = undefined;
        resolve();
      }
      endWait = end;
      wakeable = byNotification;
    });

  const done = (async () => {
    let idleWaitMs = options.idlePollMs;
    while (!stopped) {
      woken = false;
      let outcome: BatchOutcome = { taken: 0, full: false };
      try {
        outcome = await runBatch();
      } catch (err) {
        log.logger.warn({ err: (err as Error).message }, log.failure);
      }
      if (stopped) break;
      if (outcome.taken > 0) {
        idleWaitMs = Math.min(FIRST_LOOK_AGAIN_MS, options.idlePollMs);
        if (!outcome.full && options.busyPauseMs > 0) await wait(options.busyPauseMs, false);
      } else if (!woken) {
        // (When woken during the batch, the notification may be for a commit the batch did not see: look again at once.)
        await wait(idleWaitMs, true);
        idleWaitMs = Math.min(idleWaitMs * 2, options.idlePollMs);
      }
    }
  })();

  const wake = () => {
    if (endWait && wakeable) endWait();
    else woken = true;
  };
  const listener = options.listen && listenForChanges(options.listen.database, options.listen.topic, wake, { logger: log.logger });
  return {
    wake,
    async stop() {
      await listener?.close();
      stopped = true;
      endWait?.();
      await done;
    },
  };
}
