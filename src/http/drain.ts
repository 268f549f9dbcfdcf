/**
 * Draining the API's HTTP server on shutdown. Node's `server.close()` waits for every keep-alive
 * connection to go idle, and a busy client's never does: on SIGTERM the API went on taking requests
 * on them until it was killed. Once draining, every response says `Connection: close` (Node ends the
 * connection after it), idle connections are closed at once, and at the deadline whatever is still
 * open is cut. Stopping the listener is the caller's (Socket.IO closes the server it is attached to).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface HttpDrain {
  /**
   * Resolves once no request is in flight (each answered with `Connection: close`), or after
   * `graceMs`, when the connections still open are cut. Returns how many requests were cut.
   */
  drain(graceMs: number): Promise<number>;
}

/** Counts the requests in flight on `server` from now on (attach it before listening). */
export function trackRequests(server: Server): HttpDrain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // Before the app's own listener, so the header is there whatever the route does.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (draining) closeAfter(res);
    const done = () => {
      inFlight.delete(res);
      if (draining && inFlight.size === 0) onIdle?.();
    };
    res.once('finish', done);
    res.once('close', done);
  });
  return {
    async drain(graceMs) {
      draining = true;
      for (const res of inFlight) closeAfter(res);
      server.closeIdleConnections();
      if (inFlight.size === 0) return 0;
      return new Promise<number>((resolve) => {
        const timer = setTimeout(() => {
          const cut = inFlight.size;
          server.closeAllConnections();
          resolve(cut);
        }, graceMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve(0);
        };
      });
    },
  };
}
