/**
 * The risk map (issue #15, item 4): each area's control status (how tightly it is locked down) and
 * its risk level (the "five-colour epidemic map" of the reports), down to the corridor. Which
 * statuses and levels a district uses, their labels and colours, are configuration
 * (CONTROL_STATUSES and RISK_LEVELS in config/config.ts), checked at start-up; the defaults below
 * are the ones of the Zhejiang reports. A code is what is stored on the area and travels in
 * events; labels and colours are looked up by the pages.
 */
import { z } from 'zod';

/** One configured status or level: a stable code, its label in both languages, its colour. */
export const riskMapEntrySchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a code: a-z, 0-9 and _, starting with a letter, at most 32 characters'),
  label: z.strictObject({ en: z.string().trim().min(1).max(60), zh: z.string().trim().min(1).max(60) }),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb'),
});
export type RiskMapEntry = z.infer<typeof riskMapEntrySchema>;

/** A configured list: 1-12 entries, codes unique; listed from the most to the least severe. */
export const riskMapListSchema = z
  .array(riskMapEntrySchema)
  .min(1)
  .max(12)
  .refine((list) => new Set(list.map((e) => e.code)).size === list.length, { error: 'codes must be unique' });

/** The district's configured statuses and levels. */
export interface RiskMapSettings {
  controlStatuses: readonly RiskMapEntry[];
  riskLevels: readonly RiskMapEntry[];
}

/** Sealed (封控区: nobody leaves home), controlled (管控区: nobody leaves the area), precautionary (防范区). */
export const DEFAULT_CONTROL_STATUSES: readonly RiskMapEntry[] = [
  { code: 'sealed', label: { en: 'Sealed area', zh: '封控区' }, colour: '#7f0000' },
  { code: 'controlled', label: { en: 'Controlled area', zh: '管控区' }, colour: '#b35806' },
  { code: 'precaution', label: { en: 'Precautionary area', zh: '防范区' }, colour: '#2b6cb0' },
];

/** The five-colour epidemic map (五色图): high, fairly high, medium, fairly low, low risk. */
export const DEFAULT_RISK_LEVELS: readonly RiskMapEntry[] = [
  { code: 'red', label: { en: 'High risk', zh: '高风险' }, colour: '#d7191c' },
  { code: 'orange', label: { en: 'Fairly high risk', zh: '较高风险' }, colour: '#f07c1a' },
  { code: 'yellow', label: { en: 'Medium risk', zh: '中风险' }, colour: '#e6b800' },
  { code: 'blue', label: { en: 'Fairly low risk', zh: '较低风险' }, colour: '#2b83ba' },
  { code: 'green', label: { en: 'Low risk', zh: '低风险' }, colour: '#1a9641' },
];

export const RISK_REASON_MAX = 500;

/** A change of an area's status or level: at least one of the two, and why (kept in its history). */
export const riskChangeSchema = z
  .strictObject({
    controlStatus: z.string().min(1).max(32).optional().describe('A configured control status code (GET /api/risk-map/settings)'),
    riskColour: z.string().min(1).max(32).optional().describe('A configured risk level code (GET /api/risk-map/settings)'),
    reason: z.string().trim().min(1, 'required').max(RISK_REASON_MAX, `at most ${RISK_REASON_MAX} characters`).describe('Why, kept in the area’s history (e.g. the notice that decided it); no medical details'),
  })
  .refine((c) => c.controlStatus !== undefined || c.riskColour !== undefined, { error: 'name controlStatus, riskColour or both', path: ['controlStatus'] });
export type RiskChangeInput = z.output<typeof riskChangeSchema>;

/** The codes of a configured list, for messages and checks. */
export const codesOf = (list: readonly RiskMapEntry[]): string[] => list.map((e) => e.code);

/** One entry of an area's risk map history. */
export interface RiskChange {
  id: string;
  areaId: string;
  at: Date;
  /** Who: the account (null once it is gone), its username and role at the time. */
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  from: { controlStatus: string; riskColour: string };
  to: { controlStatus: string; riskColour: string };
  reason: string;
}
