/**
 * HTTP path and query schemas of the stock and procurement routes, and their responses. Bodies are
 * checked with the domain schemas the services apply themselves (src/domain/kit.ts, stock.ts,
 * procurement.ts), so a route and a worker calling the same service see the same rules.
 */
import { z } from 'zod';
import { isoDateTime } from '../domain/dates';
import { ITEM_UNITS, itemCodeSchema } from '../domain/kit';
import { supplierSchema, UNAVAILABLE_REASONS, type UnavailableReason } from '../domain/procurement';
import { MOVEMENTS } from '../domain/stock';

const uuid = z.uuid();
const isoTime = isoDateTime();

export const kitParams = z.strictObject({ code: itemCodeSchema });
export const orderParams = z.strictObject({ orderId: uuid });
export const roundStopParams = z.strictObject({ roundId: uuid, stopId: z.string().regex(/^\d{1,18}$/) });
export const roundParams = z.strictObject({ roundId: uuid });
export const roundTripParams = z.strictObject({ roundId: uuid, tripId: z.string().min(1).max(100) });

export const expandQuery = z.strictObject({
  quantity: z.coerce.number().int().min(1).max(100_000).default(1),
  members: z.coerce.number().int().min(1).max(30).default(3),
});

export const balancesQuery = z.strictObject({ depotId: uuid.optional(), itemCode: itemCodeSchema.optional() });

export const alertsQuery = z.strictObject({
  /** Lots expiring within this many days are listed. Default 7. */
  withinDays: z.coerce.number().int().min(0).max(365).default(7),
  depotId: uuid.optional(),
});

export const ledgerQuery = z.strictObject({
  depotId: uuid.optional(),
  itemCode: itemCodeSchema.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  afterId: z.string().regex(/^\d{1,18}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const exportPeriodQuery = z.strictObject({ from: isoTime.optional(), to: isoTime.optional(), depotId: uuid.optional(), itemCode: itemCodeSchema.optional() });

/** The next round of an area, or a round being planned: exactly one. */
export const shortfallQuery = z.strictObject({ areaId: uuid.optional(), roundId: uuid.optional() })
  .refine((q) => (q.areaId === undefined) !== (q.roundId === undefined), { error: 'give areaId or roundId (one of them)' });

export const ORDER_STATUSES = ['open', 'sent', 'partly_received', 'received'] as const;
export const ordersQuery = z.strictObject({
  /** Comma-separated statuses; default: every status but received. */
  status: z.string().optional().transform((s, ctx) => {
    if (s === undefined) return ['open', 'sent', 'partly_received'] as const;
    const list = s.split(',').map((x) => x.trim());
    const bad = list.find((x) => !(ORDER_STATUSES as readonly string[]).includes(x));
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown status: one of ${ORDER_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return list as (typeof ORDER_STATUSES)[number][];
  }),
});

// Responses. z.object (not strict): a field added later does not break a client that validates.
const count = z.int().nonnegative();
const units = z.int();
const day = z.iso.date();
const uuidOrNull = uuid.nullable();

export const catalogueItemView = z.object({
  code: itemCodeSchema,
  kind: z.enum(['item', 'kit']),
  name: z.string(),
  /** Items only: a kit has no unit, weight or volume of its own (null). */
  unit: z.enum(ITEM_UNITS).nullable(),
  weightKg: z.number().nullable(),
  volumeL: z.number().nullable(),
}).meta({ id: 'CatalogueItem' });
const kitLineView = z.object({ code: itemCodeSchema, quantity: count });
const kitComponentView = kitLineView.extend({
  substitutes: z.array(itemCodeSchema).describe('Items that may stand in for this one, unit for unit, in order of preference.'),
  optional: z.boolean().describe('Handed out without it when it is short and no substitute is there.'),
});
export const kitView = catalogueItemView.extend({
  variants: z.array(z.object({ name: z.string(), minMembers: count, maxMembers: count, lines: z.array(kitComponentView) })),
}).meta({ id: 'Kit' });
export const itemsResponse = z.object({ items: z.array(catalogueItemView) });
export const itemResponse = z.object({ item: catalogueItemView });
export const kitResponse = z.object({ kit: kitView });
export const expansionResponse = z.object({ code: itemCodeSchema, quantity: count, members: count, items: z.array(kitLineView) });

export const balancesResponse = z.object({
  balances: z.array(z.object({
    depotId: uuid, depotName: z.string(), itemCode: itemCodeSchema, onHand: count, reserved: count, available: units,
    /** Null: no minimum set for the item at the depot. */
    minimum: count.nullable(),
  })),
});
export const adjustedResponse = z.object({ adjusted: z.literal(true) });
const lotQuantity = { lotId: uuid, depotId: uuid, itemCode: itemCodeSchema, quantity: units };
export const writeOffResponse = z.object({
  written: z.array(z.object(lotQuantity)),
  /** Expired lots kept because the stock is reserved. */
  refused: z.array(z.object({ ...lotQuantity, reserved: count })),
});
export const alertsResponse = z.object({
  alerts: z.array(z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('below_minimum'), depotId: uuid, itemCode: itemCodeSchema, available: units, minimum: count, level: z.enum(['low', 'out']) }),
    z.object({ kind: z.enum(['expiring', 'expired']), ...lotQuantity, expiresOn: day, daysLeft: units }),
  ])),
});
export const ledgerResponse = z.object({
  entries: z.array(z.object({
    id: z.string().regex(/^\d+$/), at: z.iso.datetime(), depotId: uuid, itemCode: itemCodeSchema, lotId: uuidOrNull, movement: z.enum(MOVEMENTS),
    onHandDelta: units, reservedDelta: units, roundId: uuidOrNull, stopId: z.string().regex(/^\d+$/).nullable(), transferId: uuidOrNull,
    reason: z.string().nullable(), actor: z.string(),
  })),
  /** The `afterId` of the next page; null on the last one. */
  nextAfterId: z.string().regex(/^\d+$/).nullable(),
});

const cutReason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('stock-short'), stock: count, needed: count, short: count }),
  z.object({ code: z.literal('lower-priority-cut-first'), takenByHigher: count }),
  z.object({ code: z.literal('fairness-floor'), floor: z.number().min(0).max(1) }),
  z.object({ code: z.literal('group-capacity'), capacity: z.number(), used: z.number() }),
  z.object({ code: z.literal('rounding') }),
]);
/** 0 emergency medicine, 1 medicine due today, 2 food, 3 everything else. */
const priorityClass = z.int().min(0).max(3);
const allocated = { needed: count, allocated: count };
export const shortfallResponse = z.object({
  shortfall: z.object({
    lines: z.array(z.object({ communityId: uuid, itemCode: itemCodeSchema, ...allocated, short: count })),
    items: z.array(z.object({ itemCode: itemCodeSchema, available: count, ...allocated, short: count, byDepot: z.record(z.string(), count) })),
    explanations: z.array(z.object({
      groupId: uuid, itemId: itemCodeSchema, households: count.nullable(), ...allocated, cut: count,
      byPriority: z.array(z.object({ priority: priorityClass, ...allocated, cut: count })),
      reasons: z.array(cutReason),
    })),
    method: z.enum(['lp', 'greedy', 'mixed']),
    /** Needs whose product is not in the catalogue (the code as the need names it). */
    untracked: z.array(z.object({ needId: uuid, code: z.string() })),
    needs: count,
  }).meta({ id: 'Shortfall' }),
});

export const suppliersResponse = z.object({ suppliers: z.array(z.object({ id: uuid, name: z.string(), kind: supplierSchema.shape.kind, isDefault: z.boolean() })) });
export const supplierCreatedResponse = z.object({ id: uuid });
export const rollUpResponse = z.object({ ordered: count, orders: z.array(uuid), unassigned: count });
const orderSummary = z.object({
  id: uuid, supplierId: uuid, supplierName: z.string(), communityId: uuid, orderDay: day, status: z.enum(ORDER_STATUSES),
  lineCount: count, needCount: count, pendingNeeds: count,
});
export const ordersResponse = z.object({ orders: z.array(orderSummary.extend({ closesAt: z.iso.datetime() })) });
const bagNeeds = z.array(uuid);
const medicineBag = z.object({
  bagId: z.string().regex(/^MB-[A-Z0-9]{10}$/), householdId: uuid, corridorId: uuid, needIds: bagNeeds,
  /** Needs cancelled after packing: their medicine comes out of the bag (always on an order's bags). */
  returnedNeedIds: bagNeeds.optional(),
});
const unavailableReason = z.enum(Object.keys(UNAVAILABLE_REASONS) as [UnavailableReason, ...UnavailableReason[]]);
export const orderResponse = z.object({
  order: orderSummary.extend({
    lines: z.array(z.object({
      id: uuid, drug: z.string(), strength: z.string(), quantity: count, quantityReceived: count, corridorIds: z.array(uuid),
      needs: z.array(z.object({ needId: uuid, householdId: uuid, corridorId: uuid, quantity: count, state: z.enum(['ordered', 'packed', 'unavailable']), reason: unavailableReason.nullable() })),
    })),
    bags: z.array(medicineBag.extend({ returnedNeedIds: bagNeeds })),
  }),
});
export const orderReceiptResponse = z.object({
  status: z.enum(['partly_received', 'received']),
  bags: z.array(medicineBag),
  /** Needs failed because their drug could not be bought. */
  failed: z.array(uuid),
});
