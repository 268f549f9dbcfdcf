/**
 * The sockets of the district day: one per corridor, authenticated as its unit chief, and one per
 * driver, each following its scope as the web app does (event-socket.ts): subscribe, apply events
 * in `seq` order, fill a gap with `resume`, and when `resume` answers `snapshot-required` take a
 * snapshot (reload over HTTP; here: restart the tracker at the scope's latest seq). After a
 * reconnection that was not recovered, every scope resumes from its last seq.
 *
 * Recorded per client: events, gaps seen, gaps filled by resume, snapshots, and gaps never closed
 * (the check at the end). `onEvent` (for events pushed and those a resume replays) lets the bench time
 * an event against the HTTP 2xx that caused it.
 */
import { io, type Socket } from 'socket.io-client';
import type { Envelope, Scope } from '../../src/contracts/events';
import type { ResumeAck, SubscribeAck } from '../../src/contracts/event-socket';

export interface ClientFigures { events: number; gaps: number; resumed: number; snapshots: number; reconnects: number; open: number }

export function addFigures(a: ClientFigures, b: ClientFigures): ClientFigures {
  return { events: a.events + b.events, gaps: a.gaps + b.gaps, resumed: a.resumed + b.resumed, snapshots: a.snapshots + b.snapshots, reconnects: a.reconnects + b.reconnects, open: a.open + b.open };
}

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
  const figures: ClientFigures = { events: 0, gaps: 0, resumed: 0, snapshots: 0, reconnects: 0, open: 0 };
  let last = 0;
  let filling = false;
  const held = new Map<number, Envelope>();
  const apply = (e: Envelope) => {
    if (e.seq <= last) return;
    last = e.seq;
    figures.events++;
  };
  const drain = () => {
    for (let next = held.get(last + 1); next; next = held.get(last + 1)) {
      held.delete(next.seq);
      apply(next);
    }
    for (const seq of held.keys()) if (seq <= last) held.delete(seq);
  };
  const resume = async (): Promise<void> => {
    if (filling) return;
    filling = true;
    try {
      const ack = await socket.timeout(30_000).emitWithAck('resume', { scope: target, sinceSeq: last }) as ResumeAck;
      if (ack.ok) {
        figures.resumed++;
        const at = performance.now();
        for (const e of ack.events) {
          if (e.seq > last) onEvent(e, at);
          apply(e);
        }
      } else if (ack.error === 'snapshot-required') {
        figures.snapshots++;
        last = Math.max(last, ack.latestSeq);
      } else {
        figures.open++;
      }
      drain();
    } catch {
      figures.open++;
    } finally {
      filling = false;
      // Events that came while resuming and still leave a gap: resume again.
      if (held.size > 0 && ![...held.keys()].some((s) => s === last + 1)) void resume();
    }
  };
  socket.on('event', (e: Envelope) => {
    if (e.scope !== target) return;
    onEvent(e, performance.now());
    if (e.seq === last + 1) {
      apply(e);
      drain();
    } else if (e.seq > last + 1) {
      held.set(e.seq, e);
      figures.gaps++;
      void resume();
    }
  });
  socket.io.on('reconnect', () => {
    figures.reconnects++;
    if (!socket.recovered) void resume();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => {
      socket.emit('subscribe', { scope: target }, (ack: SubscribeAck) => {
        if (!ack.ok) return reject(new Error(`subscribe ${target}: ${ack.error}`));
        last = ack.latestSeq;
        resolve();
      });
    });
  });
  return {
    scope: target, socket, figures,
    last: () => last,
    async missing() {
      const ack = await socket.timeout(30_000).emitWithAck('resume', { scope: target, sinceSeq: last }) as ResumeAck;
      if (ack.ok) {
        const missed = ack.events.filter((e) => e.seq > last);
        return { count: missed.length, detail: missed.map((e) => `${target} seq ${e.seq} ${e.event.type} at ${e.at}`) };
      }
      return ack.error === 'snapshot-required' ? { count: ack.latestSeq - last, detail: [`${target} behind ${last} < ${ack.latestSeq}`] } : { count: -1, detail: [`${target}: ${ack.error}`] };
    },
    close: () => socket.disconnect(),
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
  const out = { missed: 0, unresolved: 0, detail: [] as string[], figures: { events: 0, gaps: 0, resumed: 0, snapshots: 0, reconnects: 0, open: 0 } };
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
