/**
 * The needs of a community as the desk lists them (issue #17, item 3): the list behind each need
 * figure of GET /api/overview, whose `list` filters are exactly these query fields (its `href`
 * is this path with them). Rows carry what a person reads (the corridor by name, the household's
 * address) and never a need's details: medicine names and the like are read one need at a time,
 * audited (GET /api/needs/:needId).
 */
import { z } from 'zod';
import { NEED_KINDS, URGENCIES } from '../domain/kinds';
import { NEED_STATUSES, NO_FAILURE_REASON } from '../domain/need-status';
import { commaList } from './round-list.contract';

export const needListQuery = z.strictObject({
  kind: commaList(NEED_KINDS).describe('Comma-separated need kinds; none: every kind'),
  status: commaList(NEED_STATUSES).describe('Comma-separated need statuses; none: every status'),
  cycle: z.string().min(1).max(32).optional().describe('Food cycle id (e.g. 2026-11-21/P3D): the needs of that cycle'),
  unservedReason: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'a reason code: a-z, 0-9, - and _').optional()
    .describe('Needs whose latest round left them unserved with this reason (e.g. fleet-exhausted)'),
  failureReason: z.string().min(1).max(500).optional()
    .describe(`Failed needs with this reason, as stored; \`${NO_FAILURE_REASON}\`: also those failed without one`),
  since: z.iso.datetime({ offset: true }).optional()
    .describe('Needs last changed at or after this instant; with unservedReason: whose latest round started at or after it'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('At most this many needs, newest first (default 50)'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type NeedListQuery = z.output<typeof needListQuery>;

export const needListRow = z.object({
  id: z.uuid(),
  kind: z.enum(NEED_KINDS),
  status: z.enum(NEED_STATUSES),
  urgency: z.enum(URGENCIES),
  corridorId: z.uuid(),
  corridorName: z.string(),
  /** The household's address (its flat); null for a corridor's need (a waste pickup). */
  address: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Why it failed; null unless failed, and for the kinds with medical fields (their reasons may carry them). */
  failureReason: z.string().nullable(),
  /** The reason its latest round left it unserved; null: no round took it, or its latest round served it. */
  unservedReason: z.string().nullable(),
}).meta({ id: 'NeedListRow' });
export type NeedListRow = z.output<typeof needListRow>;

export const needListResponse = z.object({
  needs: z.array(needListRow),
  /** The offset of the next page; null: this was the last page. */
  nextOffset: z.number().int().nullable(),
}).meta({ id: 'NeedList' });
export type NeedListResponse = z.output<typeof needListResponse>;
