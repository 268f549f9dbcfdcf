/**
 * A request budget per socket (OWASP API4): every subscribe, resume or driver report may cost a
 * database query, so one client cannot flood the server. Over budget, a request is answered
 * `rate_limited` through its ack and not run.
 */
import type { LiveSocket, SocketBudget } from './types';

export function limitRequests(socket: LiveSocket, budget: SocketBudget = {}): void {
  const perSecond = budget.perSecond ?? 10;
  const burst = budget.burst ?? 30;
  let tokens = burst;
  let last = Date.now();
  socket.use((packet, next) => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return next();
    }
    const ack = packet.at(-1);
    if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: false, error: 'rate_limited' });
  });
}
