/**
 * Drivers report their position and what happened at each stop over the socket; the tracking
 * service checks the batch is theirs, records it, recomputes ETAs and publishes.
 */
import { positionReport, stopReport, type ReportAck } from '../contracts/event-socket';
import type { LiveDeps, LiveSocket } from './types';

type Ack = (answer: ReportAck) => void;
const ackOf = (ack: unknown): Ack => (typeof ack === 'function' ? (ack as Ack) : () => undefined);

export function registerDriverHandlers(socket: LiveSocket, deps: LiveDeps): void {
  if (socket.data.actor.role !== 'driver') {
    // Other roles get an answer, not silence, so a misconfigured client sees why.
    socket.on('driver:position', (_r, ack) => ackOf(ack)({ ok: false, error: 'forbidden' }));
    socket.on('driver:stop', (_r, ack) => ackOf(ack)({ ok: false, error: 'forbidden' }));
    return;
  }
  const tracking = deps.tracking;
  if (!tracking) {
    socket.on('driver:position', (_r, ack) => ackOf(ack)({ ok: false, error: 'unavailable' }));
    socket.on('driver:stop', (_r, ack) => ackOf(ack)({ ok: false, error: 'unavailable' }));
    return;
  }

  function handle<T>(parse: (raw: unknown) => { success: true; data: T } | { success: false }, run: (report: T) => Promise<ReportAck>) {
    return (raw: unknown, rawAck: unknown): void => {
      const ack = ackOf(rawAck);
      const parsed = parse(raw);
      if (!parsed.success) return ack({ ok: false, error: 'invalid' });
      run(parsed.data).then(ack, (err: unknown) => {
        deps.logger.warn({ err, socket: socket.id, user: socket.data.actor.userId }, 'driver report failed');
        ack({ ok: false, error: 'unavailable' });
      });
    };
  }

  socket.on('driver:position', handle((r) => positionReport.safeParse(r), (report) => tracking.reportPosition(socket.data.actor, report)));
  socket.on('driver:stop', handle((r) => stopReport.safeParse(r), (report) => tracking.reportStop(socket.data.actor, report)));
}
