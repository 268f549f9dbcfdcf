/**
 * How the API processes of a cluster share the port, so that each takes several new connections
 * per turn of its event loop (issue #21). Node 20's libuv (1.46) accepts one connection per turn on
 * a listening handle, and an API process's turn takes 100-200 ms while the machine is busy planning a
 * district's round: 5-10 new connections a second per process, where a lockdown morning's phones,
 * or the sockets of an API process that restarted, come by the hundred. The cluster's default
 * sharing does no better: its primary accepts and hands each connection over, one per API process
 * and turn, waiting for it to be acknowledged.
 *
 * So the primary binds the port once (`bindPort`), without listening on it, and every API process
 * inherits ACCEPT_FDS descriptors of that one socket (`inheritedFds`, as extra stdio entries of the
 * fork) and listens on each (`listenInherited`): one accept per descriptor and turn. The kernel
 * queues the connections once, for every process. Node 22.12's `reusePort` would give each process
 * sockets of its own instead.
 *
 * Two of Node's underscored functions do it, the same ones its cluster module uses to share a port
 * (`net._createServerHandle`: a bound socket nobody accepts on; `Server#_listen2`: listening on a
 * descriptor in a cluster's process without asking its primary). Both are checked at start-up.
 */
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import net from 'node:net';
import type { Server } from 'node:http';
import { getSystemErrorName } from 'node:util';
import { listenFailure, StartupError } from '../startup-errors';

/** Descriptors of the port per API process: connections it may accept per turn. */
export const ACCEPT_FDS = 8;

/** The inherited descriptors start after stdin, stdout, stderr and the cluster's IPC channel (3). */
const FIRST_FD = 4;

/** The variable telling an API process how many descriptors of the port it inherited (set by the primary only). */
export const INHERITED_FDS_VARIABLE = 'CORDON_PORT_FDS';

/**
 * Connections the kernel holds for the port until a process accepts them (capped by the kernel's
 * net.core.somaxconn, 4096 by default since Linux 5.4), rather than Node's 511: a district's 5,300
 * live sockets reconnect at once after an API process restarts, and a connection the queue has no
 * room for is dropped, its client trying again after 1, 3, 7, 15 s.
 */
const BACKLOG = 4096;

interface BoundHandle {
  fd: number;
  getsockname(out: { port?: number }): number;
  close(): void;
}
type CreateServerHandle = (address: string, port: number, addressType: 4 | 6) => BoundHandle | number;
type Listen2 = (address: null, port: null, addressType: null, backlog: number, fd: number) => void;

const internals = () => {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  const listen2 = (net.Server.prototype as unknown as { _listen2?: Listen2 })._listen2;
  if (typeof create !== 'function' || typeof listen2 !== 'function') {
    throw new StartupError('this Node.js has no net._createServerHandle or Server#_listen2, which API_PROCESSES > 1 shares the port with: run Node.js 20, or API_PROCESSES=1');
  }
  return { create, listen2 };
};

export interface BoundPort {
  port: number;
  /** The stdio entries of a fork that hand the API process its descriptors of the port. */
  stdio: (string | number)[];
  close(): void;
}

/**
 * In the primary: binds HOST:PORT (PORT 0: a free port), not listening; or the one-line StartupError
 * why not (in use, a port it may not use, a bad HOST).
 */
export async function bindPort(port: number, host: string): Promise<BoundPort> {
  const { create } = internals();
  let address: { address: string; family: number };
  try {
    address = await lookup(host);
  } catch (err) {
    throw listenFailure(err, port, host) ?? err;
  }
  const handle = create(address.address, port, address.family === 6 ? 6 : 4);
  if (typeof handle === 'number') {
    const err = Object.assign(new Error(`bind ${host}:${port}`), { code: getSystemErrorName(handle) });
    throw listenFailure(err, port, host) ?? err;
  }
  // libuv keeps a bind's EADDRINUSE for the listen that follows, which the primary never makes:
  // the socket is then left unbound (port 0), and would listen on any free port.
  const out: { port?: number } = {};
  handle.getsockname(out);
  if (!out.port) {
    handle.close();
    throw listenFailure({ code: 'EADDRINUSE' }, port, host)!;
  }
  return {
    port: out.port,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc', ...Array<number>(ACCEPT_FDS).fill(handle.fd)],
    close: () => handle.close(),
  };
}

/** In an API process: how many descriptors of the port it inherited (0: it listens on PORT itself). */
export function inheritedFds(): number {
  return Number(process.env[INHERITED_FDS_VARIABLE] ?? 0);
}

/**
 * In an API process: `server` listens on the first of the `count` inherited descriptors, and the
 * others hand it what they accept. Resolves once all listen; `close()` stops every one of them
 * (`server.close()` stops only its own). A port another process began to listen on since the
 * primary bound it fails here: the one-line StartupError naming PORT (`port`, `host`: as
 * configured), which the primary says once.
 */
export async function listenInherited(server: Server, count: number, port: number, host: string): Promise<{ close(): void }> {
  const { listen2 } = internals();
  // As http.Server makes its own (allowHalfOpen, noDelay), so each connection is set up alike.
  const others = Array.from({ length: count - 1 }, () => net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => server.emit('connection', socket)));
  const all: net.Server[] = [server, ...others];
  // events.once rejects with an 'error' emitted first.
  const ready = Promise.all(all.map((s) => once(s, 'listening')));
  all.forEach((s, i) => listen2.call(s, null, null, null, BACKLOG, FIRST_FD + i));
  try {
    await ready;
  } catch (err) {
    for (const s of all) if (s.listening) s.close();
    throw listenFailure(err, port, host) ?? err;
  }
  return { close: () => others.forEach((s) => s.close()) };
}
