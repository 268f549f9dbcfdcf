/**
 * How a client applies envelopes of one scope: exactly once, in `seq` order.
 *
 * Live delivery can duplicate (replay overlapping live events, recovery after a resume) and, when
 * two processes publish to the same scope at once, reorder by a few milliseconds. So a client keeps
 * the last applied `seq` per scope: older or equal is a duplicate, the next one is applied, anything
 * further means a gap to fill with `resume({ scope, sinceSeq: last })`.
 */
import type { Envelope } from './events';

export type SequenceVerdict = 'apply' | 'duplicate' | 'gap';

export function judgeSequence(lastApplied: number, seq: number): SequenceVerdict {
  if (seq <= lastApplied) return 'duplicate';
  return seq === lastApplied + 1 ? 'apply' : 'gap';
}

/** Last applied `seq` per scope; a plain helper the web app and the tests share. */
export class SequenceTracker {
  private readonly last = new Map<string, number>();

  lastSeq(scope: string): number {
    return this.last.get(scope) ?? 0;
  }

  /** Starts a scope at a known point (the `latestSeq` of a subscribe ack or a snapshot). */
  reset(scope: string, seq: number): void {
    this.last.set(scope, seq);
  }

  /** Applies the envelope when it is the next one; says why not otherwise. */
  offer(envelope: Envelope): SequenceVerdict {
    const verdict = judgeSequence(this.lastSeq(envelope.scope), envelope.seq);
    if (verdict === 'apply') this.last.set(envelope.scope, envelope.seq);
    return verdict;
  }
}
