/**
 * The driver's offline queue: stop reports wait in localStorage until the live connection takes
 * them (acknowledged), in the order they were made. A report the server refuses for good
 * (invalid, forbidden, not found) is dropped with its error kept for the page to show.
 */
import type { StopReport } from '../../../contracts/event-socket';
import { sendStopReport } from '../live';

const KEY = 'cordon.driver.outbox';
const listeners = new Set<() => void>();
let flushing = false;

export function queued(): StopReport[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as StopReport[];
  } catch {
    return [];
  }
}

function save(list: StopReport[]): void {
  localStorage.setItem(KEY, JSON.stringify(list));
  listeners.forEach((l) => l());
}

export function enqueue(report: StopReport): void {
  save([...queued(), report]);
  void flush();
}

/** Sends what is queued, oldest first; stops at the first report that cannot be sent now. */
export async function flush(): Promise<void> {
  if (flushing) return;
  flushing = true;
  try {
    for (;;) {
      const [next] = queued();
      if (!next) return;
      const ack = await sendStopReport(next);
      if (ack === null || (!ack.ok && (ack.error === 'unavailable' || ack.error === 'rate_limited'))) return;
      save(queued().slice(1));
    }
  } finally {
    flushing = false;
  }
}

export function onQueueChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
