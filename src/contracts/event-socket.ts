/**
 * The Socket.IO protocol between the live server and its clients (web app, driver app).
 * Types only on the Socket.IO side (no import of socket.io here), zod for what clients send.
 *
 * Client protocol:
 * 1. connect with `transports: ['websocket']` and `auth: { token }` (the same session token as the API);
 * 2. `subscribe({ scope })` for each scope; the ack tells the scope's latest `seq` L: load the
 *    scope's current state over HTTP after that ack, and start the scope's tracker at L;
 * 3. on `event`, apply envelopes in `seq` order per scope (see `event-sequence.ts`): those up to L
 *    are in the state already, later ones are applied, a gap is filled with `resume`;
 * 4. after every reconnection, call `resume({ scope, sinceSeq })` for each scope: it rejoins the room
 *    and returns what was missed, or `snapshot-required` when too far behind (then reload the state
 *    over HTTP). A recovered connection (`socket.recovered`) too: what was broadcast while the server
 *    checked the session again is not replayed, and when that was a scope's last event no gap shows it.
 */
import { z } from 'zod';
import { isoDateTime } from '../domain/dates';
import { scopeSchema, type Scope } from './event-scopes';
import { STOP_FAILURE_REASONS, type Envelope } from './events';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

export const subscribeRequest = z.strictObject({ scope: scopeSchema });
export const resumeRequest = z.strictObject({ scope: scopeSchema, sinceSeq: z.int().nonnegative() });

/** A driver's GPS fix for the batch they are driving. */
export const positionReport = z.strictObject({
  batchId: id,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** When the fix was taken; default: when the server received it. */
  at: isoDateTime().optional(),
});
export type PositionReport = z.infer<typeof positionReport>;

/** What happened at a stop, as the driver reports it. */
export const stopReport = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('arrived'), batchId: id, stopId: id }),
  z.strictObject({ outcome: z.literal('delivered'), batchId: id, stopId: id, bagIds: z.array(id).max(200) }),
  z.strictObject({ outcome: z.literal('failed'), batchId: id, stopId: id, reason: z.enum(STOP_FAILURE_REASONS) }),
]);
export type StopReport = z.infer<typeof stopReport>;

export type LiveError = 'invalid' | 'forbidden' | 'not_found' | 'unavailable' | 'rate_limited';

export type SubscribeAck = { ok: true; scope: Scope; latestSeq: number } | { ok: false; error: LiveError };
export type ResumeAck =
  | { ok: true; scope: Scope; events: Envelope[]; latestSeq: number }
  | { ok: false; error: 'snapshot-required'; scope: Scope; latestSeq: number }
  | { ok: false; error: LiveError };
export type ReportAck = { ok: true } | { ok: false; error: LiveError };

/** Server-to-client events (Socket.IO `ServerToClientEvents`). */
export interface LiveServerEvents {
  event: (envelope: Envelope) => void;
}

/** Client-to-server requests (Socket.IO `ClientToServerEvents`); every one answers through its ack. */
export interface LiveClientEvents {
  subscribe: (request: unknown, ack: (answer: SubscribeAck) => void) => void;
  unsubscribe: (request: unknown, ack: (answer: SubscribeAck) => void) => void;
  resume: (request: unknown, ack: (answer: ResumeAck) => void) => void;
  'driver:position': (report: unknown, ack: (answer: ReportAck) => void) => void;
  'driver:stop': (report: unknown, ack: (answer: ReportAck) => void) => void;
}
