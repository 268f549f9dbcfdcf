/** HTTP bodies of the planning-round routes (dispatcher). Ids only: no medical details. */
import { z } from 'zod';
import { ROUND_STATUSES } from '../domain/kinds';
import { roundKind } from './jobs';

export const startRoundBody = z.strictObject({
  areaId: z.uuid(),
  kind: roundKind,
  /** Most a sub-problem is searched, ms (CPU time of its solver process, at most twice that on the wall clock): it gets 10 ms per stop, at least 0.4 s. Default: the workers' SOLVE_TIME_LIMIT_MS. */
  timeLimitMs: z.number().int().min(100).max(600_000).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});
export type StartRoundBody = z.output<typeof startRoundBody>;

export const roundParams = z.strictObject({ roundId: z.uuid() });

export { ROUND_STATUSES };

export const roundView = z.strictObject({
  id: z.uuid(),
  areaId: z.uuid(),
  kind: roundKind,
  status: z.enum(ROUND_STATUSES),
  /** 0-100 while planning; 100 once proposed. */
  progress: z.number().int().min(0).max(100),
  failureReason: z.string().nullable(),
  subproblems: z.strictObject({ total: z.number().int(), solved: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RoundView = z.output<typeof roundView>;

const bag = z.strictObject({ bagId: z.string(), needId: z.uuid(), item: z.string() });
export const proposalView = z.strictObject({
  roundId: z.uuid(),
  status: z.enum(ROUND_STATUSES),
  /** Time of day the round's shift starts (minutes from midnight): planned times count seconds from it. */
  shiftStartMin: z.number().int(),
  /** When every vehicle's shift ends, seconds from its start: no trip of the plan returns after it. */
  shiftEndS: z.number().int(),
  trips: z.array(z.strictObject({
    id: z.string(), vehicleId: z.uuid(), depotId: z.uuid(), driverId: z.uuid().nullable(), tripNo: z.number().int(), distanceM: z.number(), durationS: z.number(),
    /** The vehicle (name and plate, "Van 1 (沪A·12345)"), its depot and its driver (once dispatched) by name. */
    vehicleName: z.string(), vehiclePlate: z.string().nullable(), depotName: z.string(), driverName: z.string().nullable(),
    /** Leaves the depot, seconds from the round's start (a van's trip 2 leaves once trip 1 is back and reloaded). */
    departS: z.number(),
    /**
     * A waste round's trip ends unloading at a disposal site (by name), starting `startS` seconds from the round's start;
     * its next trip leaves from there. Null for deliveries.
     */
    unload: z.strictObject({ siteId: z.uuid(), siteName: z.string(), startS: z.number() }).nullable().optional(),
    /**
     * A waste trip's chain of custody (issue #18, item 2), once dispatched: the kg and bags its crew recorded picked
     * up (and at how many stops), its weight at the disposal site with the share it differs by and whether that was
     * flagged to the desk (over WASTE_WEIGHT_TOLERANCE, or unloaded with no pickup recorded), and its vehicle's
     * disinfection after it. Null for deliveries.
     */
    custody: z.strictObject({
      pickedKg: z.number(), pickedBags: z.number().int(), pickups: z.number().int(),
      unload: z.strictObject({ kg: z.number(), pickedKg: z.number(), discrepancy: z.number().nullable(), flagged: z.boolean(), unloadedAt: z.iso.datetime() }).nullable(),
      disinfection: z.strictObject({ agent: z.string(), disinfectedAt: z.iso.datetime() }).nullable(),
    }).nullable().optional(),
    stops: z.array(z.strictObject({
      id: z.string(), seq: z.number().int(), locked: z.boolean(), corridorId: z.uuid(), plannedStartS: z.number(), status: z.string(), urgent: z.boolean(), bags: z.array(bag),
      /** When the stop may be served, seconds from the round's start: its gate's receiving hours cut to the deadline of medicine due today on it; null: any time in the shift. */
      window: z.strictObject({ fromS: z.number(), untilS: z.number() }).nullable(),
      /** Start of service as the plan now stands (waiting for the gate included), seconds from the round's start. */
      servedS: z.number(),
      /** Served after its window closes (the plan validator refuses such a plan: should never be true). */
      late: z.boolean(),
      /** Deadline of medicine due today on the stop, seconds from the round's start; null: none. */
      deadlineS: z.number().nullable(),
      /** The deadline is not met (the gate opens after it: its hours stand, the medicine is still delivered). */
      deadlineMissed: z.boolean(),
    })),
  })),
  loadingList: z.array(z.strictObject({ depotId: z.uuid(), depotName: z.string(), item: z.string(), bags: z.number().int() })),
  /** `short`: for `stock-short`, the items the need lacked (units asked / could be had) and the depots tried, by name. */
  unserved: z.array(z.strictObject({
    needId: z.uuid(), reason: z.string(),
    short: z.array(z.strictObject({ item: z.string(), itemName: z.string(), needed: z.number().int(), available: z.number().int() })).optional(),
    depots: z.array(z.string()).optional(),
  })),
  /**
   * The bags whose contents differ from their kit (what the depot packs and the household is told):
   * substitutes (`for` the component they stand in for) and optional components left out, in names.
   */
  packingChanges: z.array(z.strictObject({
    needId: z.uuid(), bagIds: z.array(z.string()),
    substituted: z.array(z.strictObject({ item: z.string(), for: z.string(), quantity: z.number().int() })),
    leftOut: z.array(z.strictObject({ item: z.string(), quantity: z.number().int() })),
  })),
  /**
   * The stock allocation that ran before routing: how (`lp`, or `greedy`/`mixed` when a class's solver ran
   * out of time and the even-share rule answered), with which solver, and per community and item the
   * demand, what was allocated, covered by substitutes, left out (optional components), short (asked by
   * needs left unserved) and why (stock-short, lower-priority-cut-first, fairness-floor, rounding). Null
   * for a round planned before it was recorded.
   */
  allocation: z.strictObject({
    method: z.enum(['lp', 'greedy', 'mixed']), solver: z.string(), elapsedMs: z.number(), served: z.number().int(), unserved: z.number().int(), substituted: z.number().int(),
    lines: z.array(z.strictObject({
      communityId: z.uuid(), communityName: z.string(), itemId: z.string(), itemName: z.string(),
      demand: z.number().int(), allocated: z.number().int(), substituted: z.number().int(), leftOut: z.number().int(), short: z.number().int(), reasons: z.array(z.string()),
    })),
  }).nullable(),
  /**
   * How set partitioning over the sub-problems' route pools went at the merge: `improved` (the plan
   * shown is its plan, validated and cheaper), `not-better`, `timed-out`, `invalid` (its plan failed
   * validation), `no-pool` or `off` (the merged plan stands); validator costs before and after. Null
   * for a round merged before it was recorded.
   */
  setPartitioning: z.strictObject({
    status: z.enum(['improved', 'not-better', 'timed-out', 'invalid', 'no-pool', 'off']), mergedCost: z.number(), cost: z.number(), elapsedMs: z.number(),
  }).nullable(),
  /**
   * Vehicles of the fleet this round's kind would take but may not now, and why, by name: `awaiting_disinfection`, a
   * vehicle whose last waste trip has no disinfection record (food, medicine and mixed rounds; issue #18, item 2).
   * As things stand when read: the record added, the vehicle is free for the next round (or a re-plan).
   */
  fleetNotes: z.array(z.strictObject({ vehicleId: z.uuid(), vehicleName: z.string(), reason: z.enum(['awaiting_disinfection']) })),
});
export type ProposalView = z.output<typeof proposalView>;

export const stopParams = z.strictObject({ roundId: z.uuid(), stopId: z.string().regex(/^\d{1,18}$/) });
/** Move a stop to a trip of the same round, at a position (0 = first); the stop is then locked. */
export const moveStopBody = z.strictObject({ tripId: z.string().min(1).max(200), position: z.number().int().min(0).max(100_000) });
export const lockStopBody = z.strictObject({ locked: z.boolean() });
