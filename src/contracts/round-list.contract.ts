/**
 * The list of rounds (issue #17, item 2): what the desk shows to find a round again, in names.
 * Scheduled rounds are listed from the moment their scheduler opens them (they are rounds like
 * any other, `scheduled: true`). Community staff see only rounds that touch their communities.
 */
import { z } from 'zod';
import { ROUND_KINDS, ROUND_STATUSES } from '../domain/kinds';

/** `a,b,c` in a query string, each one of `values`; absent or empty: no filter. */
export const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z.string().max(300).optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []))
    .pipe(z.array(z.enum(values)).max(values.length));

export const roundListQuery = z.strictObject({
  areaId: z.uuid().optional().describe('Rounds of this area or below it, and rounds that claimed needs there'),
  kind: commaList(ROUND_KINDS).describe('Comma-separated round kinds; none: every kind'),
  status: commaList(ROUND_STATUSES).describe('Comma-separated round statuses; none: every status'),
  from: z.iso.datetime({ offset: true }).optional().describe('Started (created) at or after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('Started (created) before this instant'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('At most this many rounds, newest first (default 50)'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], error: 'must be after from' });
export type RoundListQuery = z.output<typeof roundListQuery>;

export const roundListRow = z.object({
  id: z.uuid(),
  kind: z.enum(ROUND_KINDS),
  status: z.enum(ROUND_STATUSES),
  areaId: z.uuid(),
  areaName: z.string(),
  /** Opened by a scheduler (maintenance.open-round), not by a person. */
  scheduled: z.boolean(),
  startedAt: z.iso.datetime().describe('When the round was started (created)'),
  finishedAt: z.iso.datetime().nullable().describe('When it completed or failed; null while it runs'),
  /** Planning progress 0-100 (100 once proposed). */
  planningProgress: z.number().int(),
  failureReason: z.string().nullable(),
  /** Stops of the plan and how many are closed (delivered or failed): the progress once dispatched. Zero before a plan exists. */
  stops: z.object({ total: z.number().int(), delivered: z.number().int(), failed: z.number().int() }),
  /** Needs the plan carries (served) and the needs it left unserved (with a reason on the proposal). */
  needs: z.object({ served: z.number().int(), unserved: z.number().int() }),
}).meta({ id: 'RoundListRow' });
export type RoundListRow = z.output<typeof roundListRow>;

export const roundListResponse = z.object({
  rounds: z.array(roundListRow),
  /** The offset of the next page; null: this was the last page. */
  nextOffset: z.number().int().nullable(),
}).meta({ id: 'RoundList' });
export type RoundListResponse = z.output<typeof roundListResponse>;
