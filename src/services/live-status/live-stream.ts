/**
 * Writes to the Redis stream that every Socket.IO server reads through
 * `@socket.io/redis-streams-adapter` (0.3.x), in that adapter's own message format.
 *
 * Why this and not a channel of our own that servers re-emit locally: with the adapter's format,
 * every process (API or worker) publishes the same way, every server instance receives the message
 * from one ordered stream and broadcasts it to its local sockets, and Socket.IO's connection state
 * recovery replays these messages too (it reads missed packets from the same stream). It is what
 * `@socket.io/redis-streams-emitter` does (not published on npm), reduced to the two messages we need.
 * Format (adapter 0.3.1, socket.io-adapter ClusterAdapter): XADD <stream> MAXLEN ~ <n> * uid <id> nsp </>
 * type <MessageType> data <JSON>; a uid no server uses, so no server ignores it as its own.
 * The cross-process integration test breaks if an adapter upgrade changes this format.
 */
import type { Redis } from 'ioredis';

/** socket.io-adapter's MessageType values we write. */
const BROADCAST = 3;
const DISCONNECT_SOCKETS = 6;
/** socket.io-parser's EVENT packet type. */
const EVENT_PACKET = 2;
const EMITTER_UID = 'cordon-emitter';

export interface LiveStreamOptions {
  /** Stream key shared with the adapter's `streamName`. Default `socket.io`. */
  streamName?: string;
  /** Approximate stream length kept (XADD MAXLEN ~). Default 10,000, the adapter's default. */
  maxLen?: number;
  /** Socket.IO namespace. Default `/`. */
  nsp?: string;
}

export interface LiveStream {
  /** Emits `eventName(payload)` to every socket in any of `rooms`, on every server. */
  broadcast(rooms: readonly string[], eventName: string, payload: unknown): Promise<void>;
  /** Disconnects (and closes the connection of) every socket in any of `rooms`, on every server. */
  disconnect(rooms: readonly string[]): Promise<void>;
}

export function createLiveStream(redis: Redis, options: LiveStreamOptions = {}): LiveStream {
  const streamName = options.streamName ?? 'socket.io';
  const maxLen = options.maxLen ?? 10_000;
  const nsp = options.nsp ?? '/';

  async function add(type: number, data: unknown): Promise<void> {
    await redis.xadd(streamName, 'MAXLEN', '~', maxLen, '*', 'uid', EMITTER_UID, 'nsp', nsp, 'type', String(type), 'data', JSON.stringify(data));
  }

  // An empty room list means "every socket" to Socket.IO: never let a bug turn into that.
  const targeted = (rooms: readonly string[]): void => {
    if (rooms.length === 0) throw new Error('live stream: refusing to address every socket (no rooms)');
  };

  return {
    broadcast: async (rooms, eventName, payload) => {
      targeted(rooms);
      return add(BROADCAST, {
        packet: { type: EVENT_PACKET, data: [eventName, payload], nsp },
        opts: { rooms: [...rooms], except: [], flags: {} },
      });
    },
    disconnect: async (rooms) => {
      targeted(rooms);
      return add(DISCONNECT_SOCKETS, { opts: { rooms: [...rooms], except: [], flags: {} }, close: true });
    },
  };
}
