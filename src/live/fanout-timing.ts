/**
 * Times each live event's fan-out in this process: from the envelope's `at` (stamped when the event
 * was stored, by whichever process published it) to the moment this process's Socket.IO adapter
 * encodes it for its local sockets, once per event and scope whatever the number of sockets.
 *
 * The adapter broadcasts what it reads from the Redis stream internally (socket.io-adapter's
 * ClusterAdapter calls its in-memory broadcast, which encodes through `_encode`), with no public hook:
 * this wraps that one method. Should an upgrade rename it, nothing is timed and nothing breaks
 * (`timeFanout` returns false); the metrics test notices the missing samples.
 */
import type { LiveIo } from './types';

interface EncodingAdapter {
  _encode?: (packet: { data?: unknown }, options: unknown) => unknown;
}

/** Calls `observe(seconds)` for each envelope the adapter encodes; false when the adapter offers no hook. */
export function timeFanout(io: LiveIo, observe: (seconds: number) => void): boolean {
  const adapter = io.of('/').adapter as unknown as EncodingAdapter;
  const encode = adapter._encode;
  if (typeof encode !== 'function') return false;
  adapter._encode = function timed(this: unknown, packet, options) {
    const [name, envelope] = Array.isArray(packet.data) ? (packet.data as unknown[]) : [];
    const at = name === 'event' && typeof envelope === 'object' && envelope !== null ? (envelope as { at?: unknown }).at : undefined;
    if (typeof at === 'string') {
      const stored = Date.parse(at);
      if (Number.isFinite(stored)) observe(Math.max(0, (Date.now() - stored) / 1000));
    }
    return encode.call(this, packet, options);
  };
  return true;
}
