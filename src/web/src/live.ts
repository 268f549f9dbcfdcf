/**
 * One Socket.IO connection per login, shared by every page, authenticated by the browser's
 * HttpOnly session cookie on the WebSocket handshake (the page holds no token): subscribe to scopes,
 * apply envelopes in seq order (live-order.ts: duplicates dropped, a later one held for the earlier,
 * a gap that stays open filled by `resume`), and after every reconnection `resume` each scope from
 * the last seq applied (asked again until answered). `snapshot-required` tells the page to reload over HTTP.
 */
import { io, type Socket } from 'socket.io-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Envelope, LiveEvent } from '../../contracts/events';
import type { LiveClientEvents, LiveServerEvents, PositionReport, ReportAck, StopReport, SubscribeAck } from '../../contracts/event-socket';
import { api } from './api';
import { createLiveOrder } from './live-order';
import { resumeUntilAnswered } from './live-resume';
import { session } from './session';

/** `null`: events were missed beyond replay; reload the page's state over HTTP. */
type Handler = (event: LiveEvent | null, scope: string) => void;
type LiveSocket = Socket<LiveServerEvents, LiveClientEvents>;

let socket: LiveSocket | null = null;
const handlers = new Map<string, Set<Handler>>();
const statusListeners = new Set<(connected: boolean) => void>();
/** Counts connections, so a resume asked on an earlier one stops asking. */
let connections = 0;
/** Scopes with a resume asked, by the connection it was asked on: a gap reported meanwhile asks nothing more. */
const resuming = new Map<string, number>();

const order = createLiveOrder({
  apply: (envelope: Envelope) => handlers.get(envelope.scope)?.forEach((h) => h(envelope.event, envelope.scope)),
  gap: (scope) => {
    if (socket?.connected && resuming.get(scope) !== connections) resume(socket, scope);
  },
});

function subscribe(s: LiveSocket, scope: string): void {
  s.emit('subscribe', { scope }, (ack: SubscribeAck) => {
    if (ack.ok) order.start(scope, ack.latestSeq);
  });
}

/** Asked again while unanswered (live-resume.ts), on this connection only: a later one resumes itself. */
function resume(s: LiveSocket, scope: string): void {
  const since = order.last(scope);
  if (since === undefined) return subscribe(s, scope);
  const connected = connections;
  const current = () => socket === s && s.connected && connections === connected && handlers.has(scope);
  resuming.set(scope, connected);
  resumeUntilAnswered(s, () => ({ scope, sinceSeq: order.last(scope) ?? since }), (ack) => {
    // Refused (the scope is no longer this session's): `resuming` stays, and nothing more is asked on this connection.
    if (!ack.ok && ack.error !== 'snapshot-required') return;
    resuming.delete(scope);
    if (ack.ok) ack.events.forEach(order.receive);
    else {
      order.skipTo(scope, ack.latestSeq);
      handlers.get(scope)?.forEach((h) => h(null, scope));
    }
  }, { current });
}

function connection(): LiveSocket | null {
  if (!session.me()) return null;
  if (socket) return socket;
  order.clear();
  const s: LiveSocket = io({ path: '/socket.io', transports: ['websocket'], withCredentials: true });
  s.on('event', order.receive);
  s.on('connect', () => {
    connections++;
    statusListeners.forEach((l) => l(true));
    // Even when the server recovered the connection: what it broadcast while checking the session
    // again does not reach the socket, and when that was a scope's last event no later seq shows the
    // gap (district-day: a unit chief never saw two handovers at their gates after an API process restarted).
    for (const scope of handlers.keys()) resume(s, scope);
  });
  s.on('disconnect', (reason) => {
    statusListeners.forEach((l) => l(false));
    // The server ends sockets itself when the session's others are revoked (a password change):
    // this one's session still holds, so come back (Socket.IO does not retry after a server's disconnect).
    if (reason === 'io server disconnect' && session.me()) setTimeout(() => s.connect(), 1000);
  });
  // Refused: the session may be over (revoked, expired). Asking the API tells the page (a 401 logs it out).
  s.on('connect_error', (err) => {
    if (err.message === 'unauthenticated') api('/api/auth/me').catch(() => undefined);
  });
  socket = s;
  return s;
}

export function closeLive(): void {
  socket?.disconnect();
  socket = null;
  handlers.clear();
  order.clear();
  resuming.clear();
}

/** Calls `onEvent` for every live event in the given scopes while the component is mounted. */
export function useLive(scopes: readonly string[], onEvent: Handler): void {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  const key = scopes.join('|');
  useEffect(() => {
    const s = connection();
    if (!s) return;
    const handler: Handler = (e, scope) => ref.current(e, scope);
    for (const scope of scopes) {
      let set = handlers.get(scope);
      if (!set) {
        set = new Set();
        handlers.set(scope, set);
        resuming.delete(scope); // a resume asked while it was followed before stopped asking when it was left
        if (s.connected) subscribe(s, scope);
      }
      set.add(handler);
    }
    return () => {
      for (const scope of scopes) handlers.get(scope)?.delete(handler);
    };
    // Re-subscribe only when the set of scopes changes, not on every render.
  }, [key]);
}

/** Whether the live connection is up, for the header's indicator. */
export function useLiveStatus(): boolean {
  const [connected, setConnected] = useState(socket?.connected ?? false);
  useEffect(() => {
    connection();
    statusListeners.add(setConnected);
    return () => statusListeners.delete(setConnected);
  }, []);
  return connected;
}

/** Sends a driver's stop report; null when it could not be sent now (offline, no answer in 5 s). */
export function sendStopReport(report: StopReport): Promise<ReportAck | null> {
  const s = connection();
  if (!s?.connected) return Promise.resolve(null);
  return new Promise((resolve) => {
    s.timeout(5000).emit('driver:stop', report, (err: Error | null, ack: ReportAck) => resolve(err ? null : ack));
  });
}

/** Runs `fn` each time the live connection comes (back) up. */
export function onConnected(fn: () => void): () => void {
  const listener = (up: boolean) => up && fn();
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Sends a GPS fix for the batch being driven; false when offline (the caller keeps it for later). */
export function sendPosition(report: PositionReport): boolean {
  const s = connection();
  if (!s?.connected) return false;
  s.emit('driver:position', report, () => undefined);
  return true;
}
