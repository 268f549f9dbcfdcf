/**
 * Which pass moves wait for the transport batch (src/services/passes/pass-legs.ts, movesTransport):
 * only those that place a leg or close one still open.
 */
import { describe, expect, it } from 'vitest';
import { movesTransport } from '../../src/services/passes/pass-legs';

const legs = (outbound: string, ret: string) => [{ leg: 'outbound' as const, status: outbound as never }, { leg: 'return' as const, status: ret as never }];

describe('movesTransport', () => {
  it('an approval always places; a review, an issue or arriving at hospital never waits', () => {
    expect(movesTransport('approved', [])).toBe(true);
    for (const to of ['under_review', 'issued', 'at_hospital', 'overdue'] as const) expect(movesTransport(to, legs('assigned', 'assigned'))).toBe(false);
  });

  it('a trip done waits only while its own leg is open', () => {
    expect(movesTransport('outbound_done', legs('assigned', 'assigned'))).toBe(true);
    expect(movesTransport('outbound_done', legs('done', 'assigned'))).toBe(false);
    expect(movesTransport('return_done', legs('done', 'assigned'))).toBe(true);
    expect(movesTransport('return_done', legs('done', 'cancelled'))).toBe(false);
  });

  it('closing a pass waits only when a leg is still on a trip or waiting for one', () => {
    expect(movesTransport('returned', legs('done', 'done'))).toBe(false);
    expect(movesTransport('returned', legs('done', 'unserved'))).toBe(true);
    expect(movesTransport('cancelled', [])).toBe(false);
    expect(movesTransport('cancelled', legs('pending', 'pending'))).toBe(true);
    expect(movesTransport('refused', legs('cancelled', 'cancelled'))).toBe(false);
  });
});
