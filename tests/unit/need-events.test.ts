/** need.status_changed carries ids, kind, status and a closed-list reason: never free text. */
import { describe, expect, it } from 'vitest';
import { liveEventSchema, NEED_KINDS as EVENT_KINDS } from '../../src/contracts/events';
import { NEED_KINDS } from '../../src/domain/need';
import { needStatusEvent } from '../../src/services/needs/need-events';

const base = { needId: 'n1', householdId: 'h1', corridorId: 'c1', kind: 'medicine', status: 'failed' as const, previousStatus: 'out_for_delivery' as const };

describe('need status events', () => {
  it('the event contract knows the same need kinds as the domain', () => {
    expect([...EVENT_KINDS]).toEqual([...NEED_KINDS]);
  });

  it('a reason from the closed list travels; a free-text reason (possibly medical) does not', () => {
    expect(needStatusEvent({ ...base, reason: 'no_answer' })).toMatchObject({ reason: 'no_answer', kind: 'medicine' });
    const freeText = needStatusEvent({ ...base, reason: 'patient in dialysis' });
    expect(freeText).not.toHaveProperty('reason');
    expect(liveEventSchema.parse(freeText)).toEqual(freeText);
  });

  it('the schema refuses an extra field or a reason outside the list', () => {
    expect(() => liveEventSchema.parse({ ...needStatusEvent(base), details: { drug: 'x' } })).toThrow();
    expect(() => liveEventSchema.parse({ ...needStatusEvent(base), reason: 'dialysis' })).toThrow();
  });
});
