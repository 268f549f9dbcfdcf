/**
 * `resume` asked until the server answers. After a Redis restart every client resumes at once and
 * some requests get no answer in time, or `unavailable`: those are asked again after a pause that
 * doubles (with jitter, so the clients spread out), while `current()` holds (the same connection,
 * still up: a new connection resumes on its own). Any other answer ends it and goes to `onAnswer`.
 */
import type { ResumeAck } from '../../contracts/event-socket';

/** Wait for an answer; first pause; longest pause. */
export const RESUME_ACK_MS = 5000;
const FIRST_PAUSE_MS = 1000;
const MAX_PAUSE_MS = 30_000;

/** What of a Socket.IO socket a resume needs (a fake in tests). */
export interface ResumeChannel {
  timeout(ms: number): { emit(event: 'resume', request: { scope: string; sinceSeq: number }, ack: (err: Error | null, answer: ResumeAck) => void): void };
}

export interface ResumeRetry {
  /** Whether to ask again: the connection asked on is still the one, and up. */
  current(): boolean;
  /** Runs `fn` after `ms` (setTimeout; tests pass their own). */
  later?: (fn: () => void, ms: number) => void;
}

export function resumeUntilAnswered(
  s: ResumeChannel, request: () => { scope: string; sinceSeq: number }, onAnswer: (ack: ResumeAck) => void, retry: ResumeRetry, pause = FIRST_PAUSE_MS,
): void {
  s.timeout(RESUME_ACK_MS).emit('resume', request(), (err, ack) => {
    if (!err && (ack.ok || (ack.error !== 'unavailable' && ack.error !== 'rate_limited'))) return onAnswer(ack);
    const later = retry.later ?? ((fn, ms) => void setTimeout(fn, ms));
    later(() => {
      if (retry.current()) resumeUntilAnswered(s, request, onAnswer, retry, Math.min(MAX_PAUSE_MS, pause * 2));
    }, pause * (0.5 + Math.random() / 2));
  });
}
