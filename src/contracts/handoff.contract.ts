/** Bodies, path parameters and answers of the deliveries: a driver's batches, a corridor's gate, the handover there. */
import { z } from 'zod';
import { NEED_KINDS } from '../domain/need';
import { WASTE_CATEGORIES } from '../domain/need-kinds';
import { STOP_FAILURE_REASONS } from './events';
import { ROUND_STATUSES } from './rounds.contract';

export const gateStopParams = z.strictObject({ corridorId: z.uuid(), stopId: z.string().regex(/^\d{1,18}$/) });
export const gateHouseholdParams = gateStopParams.extend({ householdId: z.uuid() });

export const handoffBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, { error: 'six digits' }) });
export const householdFailedBody = z.strictObject({ reason: z.enum(STOP_FAILURE_REASONS) });

/** A door's check-off at the gate: handed over, or failed with a reason (issue #17, item 6). */
export const checkOffBody = z.strictObject({
  outcome: z.enum(['handed_over', 'failed']),
  /** Required for a failed door, refused otherwise. */
  reason: z.enum(STOP_FAILURE_REASONS).optional(),
  /** When the chief ticked it on the phone (it may arrive later, replayed from the offline queue). */
  checkedAt: z.iso.datetime({ offset: true }),
});
export const checkOffView = z.object({
  householdId: z.uuid(), outcome: z.enum(['handed_over', 'failed']), reason: z.string().nullable(), checkedAt: z.iso.datetime(), recordedAt: z.iso.datetime(),
}).meta({ id: 'GateCheckOff' });
export const checkOffResponse = z.object({ checkOff: checkOffView, replayed: z.boolean().describe('true: this tick was stored already; nothing changed') });

/** The handoff answers with what was checked at the stop: households handed over, failed, not ticked. */
export const handoffResponse = z.object({
  status: z.literal('delivered'),
  checked: z.object({ handedOver: z.int().nonnegative(), failed: z.int().nonnegative(), unchecked: z.int().nonnegative() }),
});
export const householdFailedResponse = z.object({ failed: z.int().nonnegative() });

const stopStatus = z.enum(['pending', 'loaded', 'delivered', 'failed']);
/** Bag ids and need kinds only: never a drug name or a need's details. */
const bag = { bagId: z.string(), kind: z.enum(NEED_KINDS) };

export const driverBatchesResponse = z.object({
  batches: z.array(z.object({
    batchId: z.string(), roundId: z.uuid(), tripId: z.string(), tripNo: z.int(),
    /** The vehicle ("Van 1 (沪A·12345)"), its plate, and the depot it loads at. */
    vehicleName: z.string(), vehiclePlate: z.string().nullable(), depotName: z.string(),
    /** Leaves the depot, seconds from the round's start. */
    departS: z.number(),
    /** When the driver reported leaving the depot on this trip (PUT .../trips/:tripId/departure); null until then. */
    departedAt: z.iso.datetime().nullable(),
    roundStatus: z.enum(ROUND_STATUSES),
    /** A waste trip (collection) ends unloading at this disposal site, from `startS` seconds after the round's start; null for deliveries. */
    unload: z.object({ siteName: z.string(), lat: z.number(), lon: z.number(), startS: z.number() }).nullable(),
    stops: z.array(z.object({
      stopId: z.string().regex(/^\d+$/), seq: z.int(), corridorId: z.uuid(), gate: z.string(), community: z.string().nullable(),
      /** Usernames of the corridor's coordinators, to hand the bags over to. */
      coordinators: z.array(z.string()),
      lat: z.number().nullable(), lon: z.number().nullable(), status: stopStatus, urgent: z.boolean(),
      /** `householdId` null: a corridor's waste bags, picked up at the gate. */
      bags: z.array(z.object({ ...bag, householdId: z.uuid().nullable() })),
      /** The code the coordinator types in to confirm the handover (the driver's own page only). */
      handoffCode: z.string().nullable(),
      /** A waste stop's pickup as the crew recorded it (bags, kg); null: not yet, or a delivery. */
      pickup: z.object({ bags: z.int(), kg: z.number() }).nullable(),
    })),
    /** A waste trip's weight at the disposal site and the vehicle's disinfection after it, null until recorded; null for deliveries. */
    custody: z.object({ unloadedKg: z.number().nullable(), disinfection: z.object({ agent: z.string(), disinfectedAt: z.iso.datetime() }).nullable() }).nullable(),
  })),
});

export const gateDeliveriesResponse = z.object({
  deliveries: z.array(z.object({
    batchId: z.string(), stopId: z.string().regex(/^\d+$/), status: stopStatus,
    /** Seconds from the round's start. */
    plannedStartS: z.number(),
    households: z.array(z.object({ householdId: z.uuid(), address: z.string(), bags: z.array(z.object(bag)), checkOff: checkOffView.nullable() })),
    /** Photos taken at this stop (a failed door names its household), each readable at its href. */
    photos: z.array(z.object({ id: z.uuid(), householdId: z.uuid().nullable(), href: z.string() })),
  })),
  /** A round's planned times count seconds from this minute of the day (08:00: 480). */
  shiftStartMin: z.int(),
  /**
   * The corridor's waste pickups on collection rounds on the road (issue #18, item 5): the truck, the
   * planned time, what was asked for and, once the crew recorded it, what was picked up.
   */
  wastePickups: z.array(z.object({
    batchId: z.string(), stopId: z.string().regex(/^\d+$/), status: stopStatus,
    /** Seconds from the round's start. */
    plannedStartS: z.number(),
    vehicleName: z.string(), vehiclePlate: z.string().nullable(),
    requested: z.array(z.object({ category: z.enum(WASTE_CATEGORIES), bags: z.int(), kg: z.number() })),
    pickup: z.object({ bags: z.int(), kg: z.number(), pickedAt: z.iso.datetime() }).nullable(),
  })),
});

/**
 * A household's next deliveries (issue #17, item 7): per open need on a planned round, the gate, when
 * the stop is planned and the gate's window (seconds from the round's start, which begins at
 * `shiftStartMin`), the truck's plate, and once the van is on its way to the stop the window it is
 * expected in. Need ids and kinds only: nothing of what is in the bags, nothing of other households.
 */
export const householdDeliveriesResponse = z.object({
  shiftStartMin: z.int(),
  deliveries: z.array(z.object({
    needId: z.uuid(), kind: z.enum(NEED_KINDS), needStatus: z.enum(['planned', 'out_for_delivery']),
    onTheRoad: z.boolean().describe('the round is dispatched or under way; false: approved, not yet out'),
    gate: z.string(),
    plannedS: z.number(),
    window: z.object({ fromS: z.number(), untilS: z.number() }).nullable(),
    vehiclePlate: z.string().nullable(),
    eta: z.object({ from: z.iso.datetime(), until: z.iso.datetime() }).nullable().describe('null until the van is on its way to this stop (it left the stop before, or reported its position since)'),
  })),
}).meta({ id: 'HouseholdDeliveries' });
export type HouseholdDeliveriesResponse = z.output<typeof householdDeliveriesResponse>;
