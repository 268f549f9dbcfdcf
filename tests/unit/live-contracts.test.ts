/**
 * Live contracts without I/O: scope grammar, the privacy of event schemas, the client's sequence
 * rule, ETAs and who may join which scope.
 */
import { describe, expect, it } from 'vitest';
import { SequenceTracker, judgeSequence } from '../../src/contracts/event-sequence';
import { liveEventSchema, parseBatchId, parseScope, scopeSchema, type Envelope } from '../../src/contracts/events';
import type { Actor } from '../../src/domain/access';
import { canJoinScope, type ScopeDirectory } from '../../src/services/live-status/live-access.service';
import { estimateEtas, haversineMeters } from '../../src/domain/eta';

describe('scopes', () => {
  it('parses the grammar and refuses anything else', () => {
    expect(parseScope('dispatch')).toEqual({ kind: 'dispatch' });
    expect(parseScope('corridor:abc-1')).toEqual({ kind: 'corridor', id: 'abc-1' });
    for (const bad of ['', 'dispatch:1', 'corridor:', 'room:1', 'corridor:a:b', 'household:a b', `batch:${'x'.repeat(129)}`]) {
      expect(parseScope(bad), bad).toBeNull();
      expect(scopeSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('splits batch ids at the round uuid', () => {
    const round = '5f0c2a7e-1b2c-4d3e-8f90-0123456789ab';
    expect(parseBatchId(`${round}_sp1-${round}-1`)).toEqual({ roundId: round, tripId: `sp1-${round}-1` });
    expect(parseBatchId('sp1_x')).toBeNull();
  });
});

describe('event privacy', () => {
  it('refuses any field outside the schema (a drug name, a medical note)', () => {
    const delivered = { type: 'stop.delivered', batchId: 'b', stopId: '1', bagIds: ['x'], bagCount: 1, at: '2026-11-23T10:00:00Z' };
    expect(liveEventSchema.safeParse(delivered).success).toBe(true);
    expect(liveEventSchema.safeParse({ ...delivered, drug: 'insulin' }).success).toBe(false);
    const failed = { type: 'stop.failed', batchId: 'b', stopId: '1', reason: 'no_answer', bagCount: 1, at: '2026-11-23T10:00:00Z' };
    expect(liveEventSchema.safeParse(failed).success).toBe(true);
    expect(liveEventSchema.safeParse({ ...failed, reason: 'patient in hospital' }).success).toBe(false);
  });

  it('a driver batch change carries ids and a cause from the closed list only', () => {
    const changed = { type: 'driver.batches_changed', driverId: 'd1', cause: 'urgent_inserted', roundId: 'r1', batchIds: ['r1_t1'], stopId: '7' };
    expect(liveEventSchema.safeParse(changed).success).toBe(true);
    expect(liveEventSchema.safeParse({ ...changed, kind: 'medicine' }).success).toBe(false);
    expect(liveEventSchema.safeParse({ ...changed, cause: 'insulin for household 12' }).success).toBe(false);
    expect(parseScope('driver:d1')).toEqual({ kind: 'driver', id: 'd1' });
  });
});

describe('sequence rule', () => {
  it('applies the next seq, drops duplicates, reports gaps', () => {
    expect(judgeSequence(4, 5)).toBe('apply');
    expect(judgeSequence(4, 4)).toBe('duplicate');
    expect(judgeSequence(4, 2)).toBe('duplicate');
    expect(judgeSequence(4, 7)).toBe('gap');
    const t = new SequenceTracker();
    const env = (seq: number) => ({ scope: 'dispatch', seq }) as Envelope;
    expect([1, 2, 2, 4, 3, 4].map((s) => t.offer(env(s)))).toEqual(['apply', 'apply', 'duplicate', 'gap', 'apply', 'apply']);
    expect(t.lastSeq('dispatch')).toBe(4);
  });
});

describe('ETAs', () => {
  it('travels to the next stop, then keeps the planned spacing', () => {
    expect(haversineMeters({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(111_195, -1);
    const at = new Date('2026-11-23T10:00:00Z');
    const etas = estimateEtas({ lat: 0, lon: 0 }, at, [
      { stopId: 'a', lat: 0, lon: 0.01, plannedStartS: 100 },
      { stopId: 'b', lat: 0, lon: 0.02, plannedStartS: 400 },
    ], 36, 1);
    // 1,112 m at 10 m/s.
    expect((Date.parse(etas[0]!.eta) - at.getTime()) / 1000).toBeCloseTo(111.2, 0);
    expect(Date.parse(etas[1]!.eta) - Date.parse(etas[0]!.eta)).toBe(300_000);
    expect(estimateEtas({ lat: 0, lon: 0 }, at, [])).toEqual([]);
  });
});

describe('who joins which scope', () => {
  const directory: ScopeDirectory = {
    communityOfCorridor: async (id) => ({ c1: 'm1', c2: 'm1', c9: 'm9' })[id] ?? null,
    householdScope: async (id) => (id === 'h1' ? { householdId: 'h1', corridorId: 'c1', communityId: 'm1' } : null),
    driverOfBatch: async (id) => (id === 'b1' ? 'd1' : null),
  };
  const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ userId: 'u', role, corridorIds: [], communityIds: [], ...extra });
  const cases: [Actor, string, boolean][] = [
    [actor('coordinator', { corridorIds: ['c1'] }), 'corridor:c1', true],
    [actor('coordinator', { corridorIds: ['c1'] }), 'corridor:c2', false],
    [actor('coordinator', { corridorIds: ['c1'] }), 'household:h1', true],
    [actor('coordinator', { corridorIds: ['c1'] }), 'community:m1', false],
    [actor('community_staff', { communityIds: ['m1'] }), 'corridor:c2', true],
    [actor('community_staff', { communityIds: ['m1'] }), 'corridor:c9', false],
    [actor('resident', { householdId: 'h1' }), 'household:h1', true],
    [actor('resident', { householdId: 'h2' }), 'household:h1', false],
    [actor('resident', { householdId: 'h1' }), 'corridor:c1', false],
    [actor('driver', { driverId: 'd1' }), 'batch:b1', true],
    [actor('driver', { driverId: 'd2' }), 'batch:b1', false],
    [actor('driver', { driverId: 'd1' }), 'batch:unknown', false],
    [actor('driver', { driverId: 'd1' }), 'dispatch', false],
    [actor('dispatcher'), 'dispatch', true],
    [actor('dispatcher'), 'batch:b1', true],
    [actor('admin'), 'session:s1', false],
    [actor('driver', { driverId: 'd1' }), 'driver:d1', true],
    [actor('driver', { driverId: 'd2' }), 'driver:d1', false],
    [actor('driver'), 'driver:d1', false],
    [actor('dispatcher'), 'driver:d1', true],
    [actor('admin'), 'driver:d1', true],
    [actor('coordinator', { corridorIds: ['c1'] }), 'driver:d1', false],
    [actor('community_staff', { communityIds: ['m1'] }), 'driver:d1', false],
    [actor('resident', { householdId: 'h1' }), 'driver:d1', false],
  ];
  it.each(cases)('%o joins %s: %s', async (who, target, allowed) => {
    expect(await canJoinScope(who, target as never, directory)).toBe(allowed);
  });
});
