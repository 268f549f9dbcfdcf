/**
 * HTTP path and query schemas of the stock and procurement routes. Bodies are checked with the domain
 * schemas the services apply themselves (src/domain/kit.ts, stock.ts, procurement.ts), so a route
 * and a worker calling the same service see the same rules.
 */
import { z } from 'zod';
import { isoDateTime } from '../domain/dates';
import { itemCodeSchema } from '../domain/kit';

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
