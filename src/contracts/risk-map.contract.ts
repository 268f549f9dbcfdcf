/**
 * HTTP shapes of the risk map (issue #15, item 4): the district's configured statuses and levels,
 * a change of an area's, and its history.
 */
import { z } from 'zod';
import { riskChangeSchema, riskMapEntrySchema } from '../domain/risk-map';
import { areaView } from './intake.contract';

export const riskMapEntry = riskMapEntrySchema.meta({ id: 'RiskMapEntry', description: 'A configured status or level: code (stored on areas), labels, colour' });
export const riskMapSettings = z
  .object({
    controlStatuses: z.array(riskMapEntry).describe('CONTROL_STATUSES, most severe first'),
    riskLevels: z.array(riskMapEntry).describe('RISK_LEVELS, most severe first'),
  })
  .meta({ id: 'RiskMapSettings' });

export const riskChangeBody = riskChangeSchema.meta({ id: 'AreaRiskChangeInput', description: 'A new control status, risk level or both, and why' });

const statusPair = z.object({ controlStatus: z.string(), riskColour: z.string() });
export const riskChangeView = z
  .object({
    id: z.uuid(),
    areaId: z.uuid(),
    at: z.iso.datetime(),
    actorId: z.uuid().nullable(),
    actorName: z.string().nullable().describe('The username of who changed it'),
    actorRole: z.string().nullable(),
    from: statusPair,
    to: statusPair,
    reason: z.string(),
  })
  .meta({ id: 'AreaRiskChange' });

export const riskChangeResult = z
  .object({ area: areaView, change: riskChangeView.nullable().describe('null: the area had that status and level already; nothing written') })
  .meta({ id: 'AreaRiskChangeResult' });

export const riskHistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('At most this many changes, newest first (default 50)'),
  before: z.uuid().optional().describe('Page on: the changes older than this one'),
});

export const riskHistoryResponse = z.object({ area: areaView, changes: z.array(riskChangeView) }).meta({ id: 'AreaRiskHistory' });
