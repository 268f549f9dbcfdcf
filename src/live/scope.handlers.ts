/**
 * subscribe / unsubscribe / resume: joining a scope's room is allowed only when the actor's role
 * and assignments allow it; resume replays what the client missed from the event store.
 */
import { resumeRequest, subscribeRequest, type LiveError } from '../contracts/event-socket';
import { parseScope, type Scope } from '../contracts/events';
import { canJoinScope } from '../services/live-status/live-access.service';
import { latestSeqOf, replay } from '../services/live-status/live.service';
import type { LiveDeps, LiveSocket } from './types';

type Ack<T> = (answer: T) => void;

/** Clients may omit the ack; a handler must not crash on that. */
function ackOf<T>(ack: unknown): Ack<T> {
  return typeof ack === 'function' ? (ack as Ack<T>) : () => undefined;
}

export function registerScopeHandlers(socket: LiveSocket, deps: LiveDeps): void {
  const maxReplay = deps.options?.maxReplay ?? 500;

  /** Checks the request and access; joins the room on success. A refusal is audited like a refused API call. */
  async function join(scope: Scope): Promise<LiveError | null> {
    const actor = socket.data.actor;
    if (!(await canJoinScope(actor, scope, deps.directory))) {
      // Subject as elsewhere in the trail: the kind of record ('driver', 'batch', ...) and its id.
      const parsed = parseScope(scope);
      const subjectId = parsed && 'id' in parsed ? parsed.id : null;
      await deps.audit?.record({ actor, action: 'live.subscribe', subjectType: parsed?.kind ?? 'scope', subjectId, outcome: 'denied', reqId: socket.id });
      return 'forbidden';
    }
    await socket.join(scope);
    return null;
  }

  function failed(err: unknown): { ok: false; error: LiveError } {
    // No child logger per socket: thousands of idle sockets would each hold one.
    deps.logger.warn({ err, socket: socket.id, user: socket.data.actor.userId }, 'live request failed');
    return { ok: false, error: 'unavailable' };
  }

  socket.on('subscribe', (request, rawAck) => {
    const ack = ackOf(rawAck);
    const parsed = subscribeRequest.safeParse(request);
    if (!parsed.success) return ack({ ok: false, error: 'invalid' });
    const { scope } = parsed.data;
    join(scope)
      .then(async (error) => (error ? ack({ ok: false, error }) : ack({ ok: true, scope, latestSeq: await latestSeqOf(deps, scope) })))
      .catch((err: unknown) => ack(failed(err)));
  });

  socket.on('unsubscribe', (request, rawAck) => {
    const ack = ackOf(rawAck);
    const parsed = subscribeRequest.safeParse(request);
    if (!parsed.success) return ack({ ok: false, error: 'invalid' });
    const { scope } = parsed.data;
    // Never leave the session room: revocation depends on it.
    if (scope.startsWith('session:')) return ack({ ok: false, error: 'forbidden' });
    Promise.resolve(socket.leave(scope))
      .then(async () => ack({ ok: true, scope, latestSeq: await latestSeqOf(deps, scope) }))
      .catch((err: unknown) => ack(failed(err)));
  });

  // Join first, then read the store: an event published in between arrives live and in the replay,
  // and the client drops the duplicate by seq; the other order could lose it.
  socket.on('resume', (request, rawAck) => {
    const ack = ackOf(rawAck);
    const parsed = resumeRequest.safeParse(request);
    if (!parsed.success) return ack({ ok: false, error: 'invalid' });
    const { scope, sinceSeq } = parsed.data;
    join(scope)
      .then(async (error) => {
        if (error) return ack({ ok: false, error });
        const result = await replay(deps, scope, sinceSeq, maxReplay);
        if (result.kind === 'snapshot-required') return ack({ ok: false, error: 'snapshot-required', scope, latestSeq: result.latestSeq });
        ack({ ok: true, scope, events: result.events, latestSeq: result.latestSeq });
      })
      .catch((err: unknown) => ack(failed(err)));
  });
}
