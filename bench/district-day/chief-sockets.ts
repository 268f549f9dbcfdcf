/**
 * The unit chiefs' sockets of the district day, in child processes: at full scale there are 5,000
 * of them, and held in the bench's own process their event handling would compete with the
 * simulated drivers and the HTTP clients whose latencies the bench measures (as bench/live.bench.ts
 * keeps its clients apart). Each child holds up to PER_CHILD sockets (live-clients.ts, the web app's
 * order, resume and snapshot rules) and sends back only what the bench needs: the events it times
 * (`timedKey`), with the moment they arrived on the machine's clock, and at the end each socket's
 * check (events missed, gaps left open, figures).
 *
 * Run as a child: `district-day/chief-sockets.ts` with an IPC channel (startChiefSockets does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Envelope, Scope } from '../../src/contracts/events';
import { addChecks, checkClients, connectAll, type LiveClient, type SocketCheck, type SocketGroup } from './live-clients';

/** Sockets per child process (one child held 5,000 in the live bench; two share the load over both cores). */
const PER_CHILD = 2500;

type ToChild = { type: 'start'; url: string; sessions: { token: string; scope: Scope }[] } | { type: 'check' };
type FromChild =
  | { type: 'ready'; connected: number }
  | { type: 'failed'; message: string }
  | { type: 'timed'; key: string; wallMs: number; storedWallMs: number }
  | ({ type: 'checked' } & SocketCheck);

/** The event the bench times against the HTTP 2xx that caused it, by key; null for the others. */
export function timedKey(e: Envelope): string | null {
  if (!e.scope.startsWith('corridor:')) return null;
  if (e.event.type === 'need.status_changed' && e.event.status === 'accepted') return `need:${e.event.needId}`;
  if (e.event.type === 'stop.delivered') return `stop:${e.event.stopId}`;
  return null;
}

/** Starts one child, from a shell that raises its open-files limit, and connects its sessions. */
async function startChild(url: string, sessions: { token: string; scope: Scope }[], onTimed: (key: string, at: number, storedAt: number) => void): Promise<ChildProcess> {
  const self = fileURLToPath(import.meta.url);
  const cmd = `ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "${process.execPath}" --import tsx "${self}"`;
  const child = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', (m: FromChild) => {
    // the child's wall clock to this process's performance.now()
    if (m.type === 'timed') onTimed(m.key, m.wallMs - performance.timeOrigin, m.storedWallMs - performance.timeOrigin);
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: FromChild) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'failed') reject(new Error(`chief sockets: ${m.message}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`chief sockets child exited with ${code} before it was ready`)));
    child.send({ type: 'start', url, sessions } satisfies ToChild);
  });
  return child;
}

/**
 * Connects the chiefs' sessions in ceil(n / PER_CHILD) child processes. `onTimed` gets each timed
 * event (timedKey) with its arrival on this process's performance.now() clock.
 */
export async function startChiefSockets(url: string, sessions: { token: string; scope: Scope }[], onTimed: (key: string, at: number, storedAt: number) => void): Promise<SocketGroup> {
  const parts = Math.max(1, Math.ceil(sessions.length / PER_CHILD));
  const size = Math.ceil(sessions.length / parts);
  const children = await Promise.all(Array.from({ length: parts }, (_, i) => startChild(url, sessions.slice(i * size, (i + 1) * size), onTimed)));
  return {
    count: sessions.length,
    async check() {
      const answers = await Promise.all(children.map((child) => new Promise<SocketCheck>((resolve, reject) => {
        const onMessage = (m: FromChild) => {
          if (m.type !== 'checked') return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        child.once('exit', (code) => reject(new Error(`chief sockets child exited with ${code} during the check`)));
        child.send({ type: 'check' } satisfies ToChild);
      })));
      return answers.reduce(addChecks);
    },
    close() {
      for (const child of children) if (child.connected) child.disconnect();
    },
  };
}

// The child: connect, forward timed events, answer the check, close everything when the parent goes.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let clients: LiveClient[] = [];
  const send = (m: FromChild) => process.send?.(m);
  process.on('message', (m: ToChild) => {
    if (m.type === 'start') {
      const onEvent = (e: Envelope, at: number) => {
        const key = timedKey(e);
        if (key) send({ type: 'timed', key, wallMs: performance.timeOrigin + at, storedWallMs: Date.parse(e.at) });
      };
      connectAll(m.url, m.sessions, onEvent).then(
        (connected) => { clients = connected; send({ type: 'ready', connected: connected.length }); },
        (err: Error) => send({ type: 'failed', message: err.message }),
      );
    } else if (m.type === 'check') {
      void checkClients(clients).then((c) => send({ type: 'checked', ...c }));
    }
  });
  process.on('disconnect', () => {
    for (const c of clients) c.close();
    process.exit(0);
  });
}
