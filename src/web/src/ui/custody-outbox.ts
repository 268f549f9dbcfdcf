/**
 * The driver's trip records sent by HTTP: waste custody (issue #18, item 2: a stop's pickup, the
 * trip's weight at the disposal site, the vehicle's disinfection) and the van leaving the depot
 * (issue #19), and a vehicle's handover at a shift change (issue #18, item 4). Queued in the session's vault (encrypted, wiped at
 * log-out) like the driver's other reports, and sent oldest first (PUT) whenever the phone is
 * online: at once, on the `online` event and when the live connection comes back. Each PUT is
 * idempotent (the server answers a stored record with `replayed`), so a send cut off after the
 * server stored it is safely sent again. A record the server refuses for good (a 4xx; a 409: the
 * trip's record is already final) leaves the queue with its reason kept for the page; a network
 * fault, a 429 or a 5xx stops the round, tried again shortly after (queue-sender.ts).
 */
import { api } from '../api';
import { vault } from '../vault';
import { queueSender, stopFor, type SendStop } from './queue-sender';

export type CustodyRecord =
  | { kind: 'pickup'; roundId: string; stopId: string; body: { bags: number; kg: number; pickedAt: string } }
  | { kind: 'unload'; roundId: string; tripId: string; body: { kg: number; unloadedAt: string } }
  | { kind: 'disinfection'; roundId: string; tripId: string; body: { agent: string; disinfectedAt: string } }
  /** The van left the depot (issue #19): any trip, not only waste; it starts the first stop's ETA notice. */
  | { kind: 'departure'; roundId: string; tripId: string; body: { departedAt: string } }
  /** A vehicle handed over at a shift change (issue #18, item 4), keyed by the incoming driver's first trip: the outgoing driver's side, and the incoming driver's. */
  | { kind: 'handover'; roundId: string; tripId: string; body: { note?: string; handedAt: string } }
  | { kind: 'handoverAccept'; roundId: string; tripId: string; body: { acceptedAt: string } };
/** `final`: a 409, the record can no longer change; otherwise the server's words. */
export interface CustodyRefused { key: string; final: boolean; message: string }

export const CUSTODY_OUTBOX = 'driver.custody';
const REFUSED = 'driver.custody.refused';
const listeners = new Set<() => void>();
/**
 * Records the server accepted since the page loaded, by key: the page shows one of these while it
 * reloads what the server holds, instead of showing the form again for that moment (a driver who
 * sees the weight's form come back types it again; the server then refuses it as final).
 */
const accepted = new Map<string, CustodyRecord>();

export const custodyKey = (r: CustodyRecord): string => (r.kind === 'pickup' ? `pickup:${r.roundId}:${r.stopId}` : `${r.kind}:${r.roundId}:${r.tripId}`);
export const queuedCustody = (): CustodyRecord[] => vault.get<CustodyRecord[]>(CUSTODY_OUTBOX) ?? [];
export const refusedCustody = (): CustodyRefused[] => vault.get<CustodyRefused[]>(REFUSED) ?? [];
export const acceptedCustody = (key: string): CustodyRecord | undefined => accepted.get(key);

const TRIP_PATHS = { unload: 'waste-unload', disinfection: 'disinfection', departure: 'departure', handover: 'handover', handoverAccept: 'handover/acceptance' } as const;
const path = (r: CustodyRecord): string =>
  r.kind === 'pickup' ? `/api/rounds/${r.roundId}/stops/${r.stopId}/waste-pickup` : `/api/rounds/${r.roundId}/trips/${encodeURIComponent(r.tripId)}/${TRIP_PATHS[r.kind]}`;

function save(list: CustodyRecord[], refused = refusedCustody()): void {
  vault.set(CUSTODY_OUTBOX, list);
  vault.set(REFUSED, refused);
  listeners.forEach((l) => l());
}

/** Queues a record (a newer one for the same stop or trip replaces the one still waiting) and tries to send. */
export function recordCustody(record: CustodyRecord): Promise<void> {
  const key = custodyKey(record);
  save([...queuedCustody().filter((q) => custodyKey(q) !== key), record], refusedCustody().filter((r) => r.key !== key));
  return flushCustody();
}

async function sendAll(): Promise<SendStop> {
  for (;;) {
    const [next] = queuedCustody();
    if (!next) return 'emptied';
    let refused = refusedCustody();
    try {
      await api(path(next), { method: 'PUT', body: next.body });
      accepted.set(custodyKey(next), next);
    } catch (err) {
      const why = stopFor(err);
      if (typeof why === 'string') return why;
      refused = [...refused, { key: custodyKey(next), final: why.status === 409, message: why.detail ?? why.title }].slice(-20);
    }
    // By identity: a newer record for the same stop or trip, queued meanwhile, stays to be sent.
    save(queuedCustody().filter((q) => q !== next), refused);
  }
}

/** Sends what is queued; resolves when the queue is empty or cannot be sent now. */
export const flushCustody = queueSender(sendAll);

export function onCustodyChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

window.addEventListener('online', () => void flushCustody());
