/**
 * Sending an offline queue kept on the phone (the gate's door ticks, the driver's trip records): one
 * send at a time, oldest first, and a send stopped by a network fault, a 429 or a 5xx tried again
 * RETRY_MS later until the queue empties. Before, a stopped send waited for the next record, the
 * `online` event or a page load: in CI, desk.test's doors ticked offline were still unsent 20 s
 * after the phone came back, and a record met by a 503 while an API process restarted waited too.
 */
import { ApiError } from '../api';

/** Why a send stopped: the queue is empty, it is worth another try `later`, or the session is over. */
export type SendStop = 'emptied' | 'later' | 'signed-out';

/** After a send stopped `later`, the queue is sent again this much later, ms. */
export const RETRY_MS = 5_000;

/**
 * What an error of `api` means for the send: `later` (a network fault, a 429, a 5xx), `signed-out`
 * (a 401: session.ts ends the session and holds the queue, sealed, for the same person's next login), or the ApiError when
 * the server refused the record for good: the caller keeps its reason and drops it from the queue.
 */
export function stopFor(err: unknown): SendStop | ApiError {
  if (!(err instanceof ApiError) || err.status >= 500 || err.status === 429) return 'later';
  return err.status === 401 ? 'signed-out' : err;
}

/** The queue's flush: calls while a send runs share it; one that stopped `later` runs again RETRY_MS later. */
export function queueSender(sendAll: () => Promise<SendStop>): () => Promise<void> {
  let flushing: Promise<void> | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const flush = (): Promise<void> => {
    flushing ??= sendAll().then((stopped) => {
      if (stopped === 'later') retry ??= setTimeout(() => {
        retry = undefined;
        void flush();
      }, RETRY_MS);
    }).finally(() => (flushing = null));
    return flushing;
  };
  return flush;
}
