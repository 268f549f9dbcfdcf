/**
 * The chief's per-door check-offs, queued in the session's vault (encrypted, wiped at log-out) and
 * sent oldest first (PUT .../check-off) whenever the phone is online: at once, on the `online`
 * event and when the page opens. The server answers a tick it already stored with `replayed`, so a
 * send cut off after the server stored it is safely sent again. A tick the server refuses for good
 * (a 4xx: the door already went the other way, the stop is closed) leaves the queue with its error
 * kept for the page; a network fault, a 429 or a 5xx stops the round, tried again RETRY_MS later
 * (before, it waited for the next tick, `online` event or page load: in CI, desk.test's doors ticked
 * offline were still unsent 20 s after the phone came back).
 */
import { api, ApiError } from '../api';
import { vault } from '../vault';

export interface CheckOff {
  corridorId: string;
  stopId: string;
  householdId: string;
  outcome: 'handed_over' | 'failed';
  reason?: string;
  /** When the chief ticked it (the phone's clock), kept as ticked whatever the delay. */
  checkedAt: string;
}
export interface Refused { tick: CheckOff; message: string }

const KEY = 'gate.outbox';
const REFUSED = 'gate.refused';
const listeners = new Set<() => void>();
let flushing: Promise<void> | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;

/** After a round stopped by a network fault, a 429 or a 5xx, the queue is sent again this much later, ms. */
export const RETRY_MS = 5_000;

export const queuedCheckOffs = (): CheckOff[] => vault.get<CheckOff[]>(KEY) ?? [];
export const refusedCheckOffs = (): Refused[] => vault.get<Refused[]>(REFUSED) ?? [];
export const doorKey = (c: { stopId: string; householdId: string }): string => `${c.stopId}:${c.householdId}`;

function save(list: CheckOff[]): void {
  vault.set(KEY, list);
  listeners.forEach((l) => l());
}

/** Queues a door's tick (one per door: a second tick of the same door before sending is ignored) and tries to send. */
export function checkOff(tick: CheckOff): Promise<void> {
  if (!queuedCheckOffs().some((q) => doorKey(q) === doorKey(tick))) save([...queuedCheckOffs(), tick]);
  return flushCheckOffs();
}

/** Sends the queue oldest first; says why it stopped: emptied, `later` (worth another try) or signed out. */
async function sendAll(): Promise<'emptied' | 'later' | 'signed-out'> {
  for (;;) {
    const [next] = queuedCheckOffs();
    if (!next) return 'emptied';
    const { corridorId, stopId, householdId, ...body } = next;
    try {
      await api(`/api/corridors/${corridorId}/deliveries/${stopId}/households/${householdId}/check-off`, { method: 'PUT', body });
    } catch (err) {
      // the session is over: session.ts ends it (and wipes the vault, queue included); nothing to send
      if (err instanceof ApiError && err.status === 401) return 'signed-out';
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 429) return 'later';
      vault.set(REFUSED, [...refusedCheckOffs(), { tick: next, message: err.detail ?? err.title }].slice(-20));
    }
    save(queuedCheckOffs().filter((q) => doorKey(q) !== doorKey(next)));
  }
}

/** Sends what is queued; resolves when the queue is empty or cannot be sent now. */
export function flushCheckOffs(): Promise<void> {
  flushing ??= sendAll().then((stopped) => {
    if (stopped === 'later') retry ??= setTimeout(() => {
      retry = undefined;
      void flushCheckOffs();
    }, RETRY_MS);
  }).finally(() => (flushing = null));
  return flushing;
}

export function dismissRefused(): void {
  vault.remove(REFUSED);
  listeners.forEach((l) => l());
}

export function onCheckOffsChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

window.addEventListener('online', () => void flushCheckOffs());
