/**
 * The workers' database polls (webhook dispatch, notices): `tick` every `everyMs` after the last one
 * ended (never two at once), plus `prune` at most once an hour; a failure is logged and tried again
 * at the next turn. `stop()` waits for a running tick.
 */
import type { Logger } from '../src/shared/logger';

const PRUNE_EVERY_MS = 3_600_000;

export interface PollLoop {
  stop(): Promise<void>;
}

export function startPollLoop(everyMs: number, log: Logger, failed: string, tick: () => Promise<unknown>, prune: () => Promise<unknown>): PollLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  let running: Promise<void> = Promise.resolve();
  const turn = async () => {
    try {
      await tick();
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await prune();
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, failed);
    }
  };
  const loop = () => {
    if (stopped) return;
    running = turn().finally(() => {
      if (!stopped) timer = setTimeout(loop, everyMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
