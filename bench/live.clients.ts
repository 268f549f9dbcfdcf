/**
 * The clients role of bench/live.bench.ts: N socket.io-client connections (WebSocket, one
 * connection each), each subscribed to its scope, recording receive latency per phase.
 */
import { io, type Socket } from 'socket.io-client';
import type { Envelope, Scope } from '../src/contracts/events';

interface Start {
  type: 'start';
  url: string;
  sessions: { token: string; scope: Scope }[];
}

const WAVE = 200;

export async function runClients(): Promise<void> {
  const latencies: Record<string, number[]> = { warmup: [] };
  let phase = 'warmup';
  let connected = 0;
  let connectMs = 0;
  let cpuAtPhase = process.cpuUsage();
  const sockets: Socket[] = [];

  async function connectOne(url: string, token: string, target: Scope): Promise<boolean> {
    const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false, timeout: 60_000 });
    sockets.push(socket);
    socket.on('event', (e: Envelope) => latencies[phase]!.push(Date.now() - Date.parse(e.at)));
    return new Promise((resolve) => {
      socket.once('connect_error', () => resolve(false));
      socket.once('connect', () => {
        socket.emit('subscribe', { scope: target }, (ack: { ok: boolean }) => resolve(ack.ok));
      });
    });
  }

  process.on('message', (m: Start | { type: 'phase'; name: string } | { type: 'report' }) => {
    if (m.type === 'start') {
      void (async () => {
        const t0 = Date.now();
        for (let i = 0; i < m.sessions.length; i += WAVE) {
          const wave = m.sessions.slice(i, i + WAVE).map((s) => connectOne(m.url, s.token, s.scope));
          connected += (await Promise.all(wave)).filter(Boolean).length;
        }
        connectMs = Date.now() - t0;
        process.send?.({ type: 'ready', connected, connectMs });
      })();
    } else if (m.type === 'phase') {
      if (phase === 'warmup') cpuAtPhase = process.cpuUsage();
      phase = m.name;
      latencies[phase] = [];
    } else if (m.type === 'report') {
      const cpu = process.cpuUsage(cpuAtPhase);
      process.send?.({ type: 'report', status: latencies.status ?? [], broadcast: latencies.broadcast ?? [], connected, connectMs, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  });
  process.on('disconnect', () => {
    for (const s of sockets) s.disconnect();
    process.exit(0);
  });
}
