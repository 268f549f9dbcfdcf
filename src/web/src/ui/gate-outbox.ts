/**
 * The chief's per-door check-offs, queued in the session's vault (encrypted, wiped at log-out) and
 * sent oldest first (PUT .../check-off) whenever the phone is online: at once, on the `online`
 * event and when the page opens. The server answers a tick it already stored with `replayed`, so a
 * send cut off after the server stored it is safely sent again. A tick the server refuses for good
 * (a 4xx: the door already went the other way, the stop is closed) leaves the queue with its error
 * kept for the page; a network fault, a 429 or a 5xx stops the round, tried again shortly after
 * (queue-sender.ts).
 */
import { api } from '../api';
import { vault } from '../vault';
import { queueSender, stopFor, type SendStop } from './queue-sender';

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

export const GATE_OUTBOX = 'gate.outbox';
const REFUSED = 'gate.refused';
const listeners = new Set<() => void>();

export const queuedCheckOffs = (): CheckOff[] => vault.get<CheckOff[]>(GATE_OUTBOX) ?? [];
export const refusedCheckOffs = (): Refused[] => vault.get<Refused[]>(REFUSED) ?? [];
export const doorKey = (c: { stopId: string; householdId: string }): string => `${c.stopId}:${c.householdId}`;

function save(list: CheckOff[]): void {
  vault.set(GATE_OUTBOX, list);
  listeners.forEach((l) => l());
}

/** Queues a door's tick (one per door: a second tick of the same door before sending is ignored) and tries to send. */
export function checkOff(tick: CheckOff): Promise<void> {
  if (!queuedCheckOffs().some((q) => doorKey(q) === doorKey(tick))) save([...queuedCheckOffs(), tick]);
  return flushCheckOffs();
}

async function sendAll(): Promise<SendStop> {
  for (;;) {
    const [next] = queuedCheckOffs();
    if (!next) return 'emptied';
    const { corridorId, stopId, householdId, ...body } = next;
    try {
      await api(`/api/corridors/${corridorId}/deliveries/${stopId}/households/${householdId}/check-off`, { method: 'PUT', body });
    } catch (err) {
      const why = stopFor(err);
      if (typeof why === 'string') return why;
      vault.set(REFUSED, [...refusedCheckOffs(), { tick: next, message: why.detail ?? why.title }].slice(-20));
    }
    save(queuedCheckOffs().filter((q) => doorKey(q) !== doorKey(next)));
  }
}

/** Sends what is queued; resolves when the queue is empty or cannot be sent now. */
export const flushCheckOffs = queueSender(sendAll);

export function dismissRefused(): void {
  vault.remove(REFUSED);
  listeners.forEach((l) => l());
}

export function onCheckOffsChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

window.addEventListener('online', () => void flushCheckOffs());
