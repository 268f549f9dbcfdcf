/**
 * The sockets of the district day: one per corridor, authenticated as its unit chief, and one per
 * driver, each following its scope as the web app does (live.ts, with its live-order.ts): subscribe,
 * apply events in `seq` order (a later one held for the earlier ones), fill a gap that stays open
 * with `resume`, and when `resume` answers `snapshot-required` take a
 * snapshot (reload over HTTP; here: restart the tracker at the scope's latest seq). After every
 * reconnection, every scope resumes from its last seq.
 *
 * Recorded per client: events, events held for an earlier one, gaps resumed, gaps filled by resume, snapshots, resumes asked again,
 * and a gap still open (the check at the end). `onEvent` (for events pushed and those a resume
 * replays) lets the bench time an event against the HTTP 2xx that caused it.
 */
import { io, type Socket } from 'socket.io-client';
import type { Envelope, Scope } from '../../src/contracts/events';
import type { ResumeAck, SubscribeAck } from '../../src/contracts/event-socket';
import { createLiveOrder } from '../../src/web/src/live-order';
import { sleep } from './http';

/**
 * Per client: events applied, events that came ahead of an earlier one and were held for it, gaps
 * still open after the wait (each asked of `resume`), resumes answered, snapshots, reconnections,
 * resumes asked again (no answer, unavailable), and gaps open now.
 */
export interface ClientFigures { events: number; held: number; gaps: number; resumed: number; snapshots: number; reconnects: number; retried: number; open: number }

const noFigures = (): ClientFigures => ({ events: 0, held: 0, gaps: 0, resumed: 0, snapshots: 0, reconnects: 0, retried: 0, open: 0 });

export function addFigures(a: ClientFigures, b: ClientFigures): ClientFigures {
  return {
    events: a.events + b.events, held: a.held + b.held, gaps: a.gaps + b.gaps, resumed: a.resumed + b.resumed, snapshots: a.snapshots + b.snapshots,
    reconnects: a.reconnects + b.reconnects, retried: a.retried + b.retried, open: a.open + b.open,
  };
}

/** One resume's wait for its answer; the pause before asking again (doubling, with jitter, up to the max). */
const RESUME_ACK_MS = 10_000;
const RESUME_FIRST_MS = 500;
const RESUME_MAX_MS = 10_000;

/** How long the end-of-day check waits for events still on their way to a client before it counts them missed. */
const IN_FLIGHT_MS = 15_000;

/** The end-of-day check of a group of sockets: events the server still held for them, checks that got no answer, their figures. */
export interface SocketCheck { missed: number; unresolved: number; detail: string[]; figures: ClientFigures }

export function addChecks(a: SocketCheck, b: SocketCheck): SocketCheck {
  return { missed: a.missed + b.missed, unresolved: a.unresolved + b.unresolved, detail: [...a.detail, ...b.detail], figures: addFigures(a.figures, b.figures) };
}

/** Sockets checked and closed together (in this process, or in a child: chief-sockets.ts). */
export interface SocketGroup {
  count: number;
  check(): Promise<SocketCheck>;
  close(): void;
}

export interface LiveClient {
  scope: Scope;
  socket: Socket;
  figures: ClientFigures;
  /** Last seq applied (in order). */
  last(): number;
  /** Asks the server what this client missed: the events after `last()` (at the end, none should be missing), with their seq and type. */
  missing(): Promise<{ count: number; detail: string[] }>;
  close(): void;
}

export async function connectClient(url: string, token: string, target: Scope, onEvent: (e: Envelope, at: number) => void): Promise<LiveClient> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 2000, timeout: 30_000 });
  // Held and gaps are the order's own counts (the `figures` getter below).
  const figures: Omit<ClientFigures, 'held' | 'gaps'> = { events: 0, resumed: 0, snapshots: 0, reconnects: 0, retried: 0, open: 0 };
  let filling = false;
  // The web app's order (live-order.ts): a later event waits for the earlier ones, a gap that stays open is resumed.
  const order = createLiveOrder({ apply: () => void figures.events++, gap: () => void resume() });
  const last = () => order.last(target) ?? 0;
  // A resume that gets no answer, or `unavailable` (Redis restarted, thousands resuming at once), is
  // asked again after a pause with jitter, as the web app does, until answered or the socket is
  // closed (while it reconnects, the request waits in its buffer). `open` is 1 only while a gap is
  // left unfilled.
  const resume = async (): Promise<void> => {
    if (filling) return;
    filling = true;
    try {
      for (let pause = RESUME_FIRST_MS; socket.active; pause = Math.min(RESUME_MAX_MS, pause * 2)) {
        const ack = await (socket.timeout(RESUME_ACK_MS).emitWithAck('resume', { scope: target, sinceSeq: last() }) as Promise<ResumeAck>).catch(() => null);
        if (ack?.ok) {
          figures.resumed++;
          figures.open = 0;
          const at = performance.now();
          for (const e of ack.events) {
            if (e.seq > last()) onEvent(e, at);
            order.receive(e);
          }
          break;
        }
        if (ack?.error === 'snapshot-required') {
          figures.snapshots++;
          figures.open = 0;
          order.skipTo(target, ack.latestSeq);
          break;
        }
        figures.open = 1;
        if (ack && ack.error !== 'unavailable' && ack.error !== 'rate_limited') break; // refused for good: the gap stays open
        figures.retried++;
        await sleep(pause * (0.5 + Math.random() / 2));
      }
    } finally {
      filling = false;
    }
  };
  socket.on('event', (e: Envelope) => {
    if (e.scope !== target) return;
    if (e.seq > last()) onEvent(e, performance.now());
    order.receive(e);
  });
  socket.io.on('reconnect', () => void figures.reconnects++);
  let subscribed = false;
  // Back: resume from the last seq applied, as the web app does, even when the server recovered the
  // connection (what it broadcast while re-checking the session is not replayed, and a scope's last
  // event missed so shows no gap).
  socket.on('connect', () => {
    if (subscribed) void resume();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => {
      socket.emit('subscribe', { scope: target }, (ack: SubscribeAck) => {
        if (!ack.ok) return reject(new Error(`subscribe ${target}: ${ack.error}`));
        order.start(target, ack.latestSeq);
        subscribed = true;
        resolve();
      });
    });
  });
  return {
    scope: target, socket,
    get figures() {
      return { ...figures, held: order.counts.held, gaps: order.counts.gaps };
    },
    last,
    async missing() {
      const since = last();
      const ack = await socket.timeout(30_000).emitWithAck('resume', { scope: target, sinceSeq: since }) as ResumeAck;
      if (ack.ok) {
        let missed = ack.events.filter((e) => e.seq > since);
        // The day's last events may be on their way as the check asks (a round settling as the walk
        // ends): they arrive within seconds; one lost never does. Waits for this client to reach them.
        const newest = Math.max(since, ...missed.map((e) => e.seq));
        for (const deadline = performance.now() + IN_FLIGHT_MS; last() < newest && performance.now() < deadline;) await sleep(100);
        missed = missed.filter((e) => e.seq > last());
        return { count: missed.length, detail: missed.map((e) => `${target} seq ${e.seq} ${e.event.type} at ${e.at}`) };
      }
      return ack.error === 'snapshot-required' ? { count: ack.latestSeq - since, detail: [`${target} behind ${since} < ${ack.latestSeq}`] } : { count: -1, detail: [`${target}: ${ack.error}`] };
    },
    close: () => {
      order.clear();
      socket.disconnect();
    },
  };
}

/** Connects `sessions` a few hundred at a time (a burst of thousands at once only measures the accept queue). */
export async function connectAll(url: string, sessions: { token: string; scope: Scope }[], onEvent: (e: Envelope, at: number) => void): Promise<LiveClient[]> {
  const out: LiveClient[] = [];
  for (let i = 0; i < sessions.length; i += 200) {
    out.push(...(await Promise.all(sessions.slice(i, i + 200).map((s) => connectClient(url, s.token, s.scope, onEvent)))));
  }
  return out;
}

/** Checks every socket of `clients` (a few hundred at a time): what the server still holds for it, and its figures. */
export async function checkClients(clients: LiveClient[]): Promise<SocketCheck> {
  const out = { missed: 0, unresolved: 0, detail: [] as string[], figures: noFigures() };
  for (let i = 0; i < clients.length; i += 200) {
    const part = clients.slice(i, i + 200);
    const answers = await Promise.all(part.map((c) => c.missing().catch((err: Error) => ({ count: -1, detail: [`${c.scope}: ${err.message}`] }))));
    for (const [k, { count, detail }] of answers.entries()) {
      if (count < 0) out.unresolved++;
      else out.missed += count;
      out.detail.push(...detail);
      out.figures = addFigures(out.figures, part[k]!.figures);
    }
  }
  return out;
}

/** Sockets held in this process as a group. */
export function localGroup(clients: LiveClient[]): SocketGroup {
  return { count: clients.length, check: () => checkClients(clients), close: () => { for (const c of clients) c.close(); } };
}
