/**
 * The web app's `resume` after a reconnection (src/web/src/live-resume.ts) on a fake socket: a resume
 * that got no answer, or `unavailable` (a Redis restart, every client resuming at once), was dropped
 * and the page missed events until something else happened; it is now asked again, with growing
 * pauses, until answered, and only on the connection it was asked on.
 */
import { describe, expect, it } from 'vitest';
import type { ResumeAck } from '../../src/contracts/event-socket';
import { RESUME_ACK_MS, resumeUntilAnswered, type ResumeChannel } from '../../src/web/src/live-resume';

type Answer = { err: Error } | { ack: ResumeAck };

/** A socket that answers each resume with the next of `answers`, and a `later` that runs when told. */
function fake(answers: Answer[]) {
  const asked: { sinceSeq: number; timeout: number }[] = [];
  const pauses: number[] = [];
  const waiting: (() => void)[] = [];
  const channel: ResumeChannel = {
    timeout: (ms) => ({
      emit: (_event, request, ack) => {
        asked.push({ sinceSeq: request.sinceSeq, timeout: ms });
        const next = answers.shift();
        if (!next) throw new Error('asked once too often');
        if ('err' in next) ack(next.err, undefined as never);
        else ack(null, next.ack);
      },
    }),
  };
  const later = (fn: () => void, ms: number) => {
    pauses.push(ms);
    waiting.push(fn);
  };
  /** Runs what waits, as the timers would, until nothing does. */
  const runTimers = () => {
    for (let fn = waiting.shift(); fn; fn = waiting.shift()) fn();
  };
  return { channel, asked, pauses, later, runTimers };
}

const ok: ResumeAck = { ok: true, scope: 'corridor:c1', events: [], latestSeq: 9 };
const noAnswer = { err: new Error('operation has timed out') };

describe('web live resume', () => {
  it('asks again after no answer and after unavailable, from the latest seq, until it is answered', () => {
    const f = fake([noAnswer, { ack: { ok: false, error: 'unavailable' } }, { ack: { ok: false, error: 'rate_limited' } }, { ack: ok }]);
    const answers: ResumeAck[] = [];
    let seq = 4;
    resumeUntilAnswered(f.channel, () => ({ scope: 'corridor:c1', sinceSeq: seq++ }), (a) => answers.push(a), { current: () => true, later: f.later });
    f.runTimers();
    expect(answers).toEqual([ok]);
    expect(f.asked.map((a) => a.sinceSeq)).toEqual([4, 5, 6, 7]);
    expect(f.asked.every((a) => a.timeout === RESUME_ACK_MS)).toBe(true);
    // Pauses double, each with jitter between half and all of it.
    expect(f.pauses).toHaveLength(3);
    for (const [i, ms] of f.pauses.entries()) {
      expect(ms).toBeGreaterThanOrEqual(500 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(1000 * 2 ** i);
    }
  });

  it('stops asking once the connection it asked on is gone (a new one resumes on its own)', () => {
    const f = fake([noAnswer, noAnswer]);
    const answers: ResumeAck[] = [];
    let current = true;
    resumeUntilAnswered(f.channel, () => ({ scope: 'corridor:c1', sinceSeq: 3 }), (a) => answers.push(a), { current: () => current, later: f.later });
    current = false;
    f.runTimers();
    expect(f.asked).toHaveLength(1);
    expect(answers).toEqual([]);
  });

  it('hands on an answer that is final: snapshot-required, or a refusal for good', () => {
    for (const ack of [{ ok: false, error: 'snapshot-required', scope: 'corridor:c1', latestSeq: 40 }, { ok: false, error: 'forbidden' }] as ResumeAck[]) {
      const f = fake([{ ack }]);
      const answers: ResumeAck[] = [];
      resumeUntilAnswered(f.channel, () => ({ scope: 'corridor:c1', sinceSeq: 3 }), (a) => answers.push(a), { current: () => true, later: f.later });
      f.runTimers();
      expect(answers).toEqual([ack]);
      expect(f.pauses).toEqual([]);
    }
  });
});
