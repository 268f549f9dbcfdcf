/**
 * The Socket.IO server, attached to the API's HTTP server. Several API processes share events
 * through the Redis Streams adapter; workers publish into the same stream (services/live-stream.ts).
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { authenticateSocket, tokenOf } from './auth.middleware';
import { registerScopeHandlers } from './scope.handlers';
import { registerDriverHandlers } from './driver.handlers';
import { limitRequests } from './rate-limit';
import { revalidatePeriodically } from './revalidate';
import type { LiveDeps, LiveIo } from './types';

export interface Live {
  io: LiveIo;
  /** Disconnects every socket of the session, on every server process (call on revocation). */
  onSessionRevoked(sessionId: string): void;
  close(): Promise<void>;
}

export function attachLive(httpServer: HttpServer, deps: LiveDeps): Live {
  const options = deps.options ?? {};
  const keyPrefix = options.keyPrefix ?? 'socket.io';
  const io: LiveIo = new Server(httpServer, {
    // WebSocket only: no sticky sessions needed behind a load balancer with several processes.
    transports: options.allowPolling ? ['polling', 'websocket'] : ['websocket'],
    serveClient: false,
    adapter: createAdapter(deps.redis, {
      streamName: options.streamName ?? 'socket.io',
      channelPrefix: keyPrefix,
      sessionKeyPrefix: `${keyPrefix}:session:`,
      onlyPlaintext: true,
      // Every process reads every message (a household's and a corridor's per need change: ~4,600/s
      // under the intake bench's load) one XREAD at a time, each waiting its turn on an event loop
      // busy with requests: 100 per read (the default) fell behind and events queued in the stream.
      readCount: 1000,
    }),
    connectionStateRecovery: {
      maxDisconnectionDuration: options.maxDisconnectionMs ?? 120_000,
      // Recovery goes through auth again: a session revoked while away must not come back.
      // Cost, measured in tests: events broadcast while a recovering socket awaits its (async)
      // auth do not reach it; the client sees the seq gap and fills it with `resume`.
      skipMiddlewares: false,
    },
  });

  io.use(authenticateSocket(deps));
  io.on('connection', (socket) => {
    // Session and user rooms are how revocation finds this socket (recovered sockets are already in them: no harm).
    void socket.join([`session:${socket.data.sessionId}`, `user:${socket.data.actor.userId}`]);
    limitRequests(socket, options.requestBudget);
    const token = tokenOf(socket);
    if (token) revalidatePeriodically(socket, token, deps, options.revalidateMs ?? 300_000);
    registerScopeHandlers(socket, deps);
    registerDriverHandlers(socket, deps);
  });

  return {
    io,
    onSessionRevoked: (sessionId) => io.in(`session:${sessionId}`).disconnectSockets(true),
    close: () =>
      new Promise<void>((resolve) => {
        void io.close(() => resolve());
      }),
  };
}
