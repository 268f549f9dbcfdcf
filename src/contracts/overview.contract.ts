/**
 * The district at a glance (issue #17, item 3): GET /api/overview. Every figure carries `list`, the
 * filter of the records behind it, and `href`, the API path (with query) that lists them: the
 * need figures (needs, cycle, unserved, failed) link to GET /api/communities/:communityId/needs,
 * whose rows number exactly the figure's count (the cycle's: `owed`), summed over its pages.
 *
 * Live: the answer is a snapshot. A page keeps it current by refetching (debounced) on the live
 * events it already receives in its scopes: `need.status_changed` (needs, the cycle, failures),
 * `round.proposed`, `round.dispatched`, `stop.delivered`, `stop.failed` (unserved, deliveries),
 * `stock.alert` (stock), `pass.state` (passes) and `alert.raised` (emergencies).
 */
import { z } from 'zod';
import { NEED_KINDS } from '../domain/kinds';
import { NEED_STATUSES } from '../domain/need-status';

export const overviewQuery = z.strictObject({
  areaId: z.uuid().optional().describe('The communities at or below this district, street or community; none: every community in view'),
  since: z.iso.datetime({ offset: true }).optional().describe('Start of the window for closed needs, failures, rounds, deliveries and emergencies; default: the current food cycle’s start'),
});
export type OverviewQuery = z.output<typeof overviewQuery>;

/** Where a figure comes from: the filter of its list, and that list's API path (the filter as its query). */
const traced = { list: z.record(z.string(), z.string()), href: z.string() };
const count = z.object({ count: z.number().int(), ...traced });

export const overviewResponse = z.object({
  since: z.iso.datetime(),
  cycle: z.object({ id: z.string(), start: z.iso.datetime(), end: z.iso.datetime() }).describe('The current food cycle'),
  /** Days of stock use averaged for days of cover. */
  stockUseDays: z.number().int(),
  communities: z.array(z.object({
    communityId: z.uuid(),
    communityName: z.string(),
    /** Open needs of any age, closed ones changed since `since` (their list carries `since`): per kind and status (zero counts left out). */
    needs: z.array(count.extend({ kind: z.enum(NEED_KINDS), status: z.enum(NEED_STATUSES) })),
    /** The current cycle's food packages: owed (all but cancelled; its list), delivered, and the served share (null: none owed). */
    cycle: z.object({ owed: z.number().int(), delivered: z.number().int(), share: z.number().nullable(), ...traced }),
    /** Needs still waiting whose latest round left them unserved, by that round's reason. */
    unserved: z.array(count.extend({ reason: z.string() })),
    /** Needs failed since `since`, by reason. */
    failed: z.array(count.extend({ reason: z.string() })),
    /**
     * Stops delivered on rounds started since `since`, against their gate's receiving hours read on the
     * plan's clock from the moment the round went out; `noWindow`: the gate has no hours.
     */
    deliveries: z.object({ onTime: z.number().int(), late: z.number().int(), noWindow: z.number().int(), ...traced }),
    passes: z.object({ inFlight: count, overdue: count }),
  })),
  /** Per depot and item: on hand, available, average daily use over `stockUseDays`, days of cover (null: no use). */
  stock: z.array(z.object({
    depotId: z.uuid(), depotName: z.string(), itemCode: z.string(), itemName: z.string(),
    onHand: z.number().int(), available: z.number().int(), dailyUse: z.number(), daysOfCover: z.number().nullable(), ...traced,
  })),
  /** Emergencies accepted since `since`: by status, and seconds from accepted to trip assigned and to done (p50, p90). */
  emergencies: z.object({
    total: z.number().int(), waiting: z.number().int(), assigned: z.number().int(), done: z.number().int(), unserved: z.number().int(),
    assignP50S: z.number().nullable(), assignP90S: z.number().nullable(), doneP50S: z.number().nullable(), doneP90S: z.number().nullable(), ...traced,
  }),
}).meta({ id: 'Overview' });
export type OverviewResponse = z.output<typeof overviewResponse>;
