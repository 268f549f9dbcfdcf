/**
 * A round's failure reason when its solve child fails for good: BullMQ fails the merge parent too
 * (failParentOnFailure) with only "child <key> failed". If the parent's event came first, the
 * dispatcher read that raw message; the parent's event now names the child's own cause, the same text
 * the child's event gives, so the order of the two events no longer matters.
 */
import { describe, expect, it } from 'vitest';
import { QUEUE, type QueueName } from '../../src/contracts/jobs';
import { childCause } from '../../workers/runtime';

/** A producers stand-in whose queues hold the given failed jobs, by queue and id. */
function fakeProducers(jobs: Record<string, { name: string; failedReason: string }>) {
  return {
    queue: (queue: QueueName) => ({ getJob: async (id: string) => jobs[`${queue}/${id}`] }),
  } as unknown as Parameters<typeof childCause>[1];
}

describe('round failure reason from a failed flow child', () => {
  const childId = 'round.solve:r1:sp2';
  const cause = 'sub-problem sp2 of round r1 does not exist';
  const producers = fakeProducers({ [`${QUEUE.solve}/${childId}`]: { name: 'round.solve', failedReason: cause } });

  it("the merge parent's failure names the child's cause, as the child's own event does", async () => {
    const parentErr = new Error(`child cordon:t1:${QUEUE.solve}:${childId} failed`);
    expect(await childCause(parentErr, producers, 'cordon:t1')).toBe(`round.solve failed: ${cause}`);
  });

  it('any other failure keeps its own message', async () => {
    expect(await childCause(new Error(cause), producers, 'cordon:t1')).toBeUndefined();
  });

  it('a child already removed, or under another prefix, leaves the raw message', async () => {
    expect(await childCause(new Error(`child cordon:t1:${QUEUE.solve}:gone failed`), producers, 'cordon:t1')).toBeUndefined();
    expect(await childCause(new Error(`child other:${QUEUE.solve}:${childId} failed`), producers, 'cordon:t1')).toBeUndefined();
  });
});
