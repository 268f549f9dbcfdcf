/**
 * The risk map on the pages (issue #15, item 4): the district's configured control statuses and
 * risk levels (GET /api/risk-map/settings, loaded once per page load), a coloured badge per area,
 * and the colours the district map draws with. Codes nobody configured show as grey, by code.
 */
import type { ComponentChildren } from 'preact';
import { api } from '../api';
import { lang } from '../i18n';
import { useLoad } from './hooks';

export interface RiskEntry { code: string; label: { en: string; zh: string }; colour: string }
export interface RiskSettings { controlStatuses: RiskEntry[]; riskLevels: RiskEntry[] }
/** What an area shows of the risk map. */
export interface RiskState { controlStatus: string; riskColour: string }

let settings: Promise<RiskSettings> | null = null;
export function useRiskSettings(): RiskSettings | null {
  return useLoad('risk-map-settings', () => (settings ??= api<RiskSettings>('/api/risk-map/settings').catch((err: unknown) => ((settings = null), Promise.reject(err))))).data ?? null;
}

const UNKNOWN = '#777777';
const find = (list: RiskEntry[] | undefined, code: string) => list?.find((e) => e.code === code);
export const labelOf = (entry: RiskEntry | undefined, code: string): string => (entry ? (lang() === 'zh-CN' ? entry.label.zh : entry.label.en) : code);
export const levelColour = (s: RiskSettings | null, code: string): string => find(s?.riskLevels, code)?.colour ?? UNKNOWN;
export const statusColour = (s: RiskSettings | null, code: string): string => find(s?.controlStatuses, code)?.colour ?? UNKNOWN;

/** The outline of a control status on the map: the most severe solid, then dashed, then dotted. */
export function statusDash(s: RiskSettings | null, code: string): string | undefined {
  const i = s?.controlStatuses.findIndex((e) => e.code === code) ?? -1;
  return i <= 0 ? undefined : i === 1 ? '6 4' : '2 6';
}

/** Both labels of an area's state, e.g. "封控区 · 高风险". */
export const riskText = (s: RiskSettings | null, a: RiskState): string => `${labelOf(find(s?.controlStatuses, a.controlStatus), a.controlStatus)} · ${labelOf(find(s?.riskLevels, a.riskColour), a.riskColour)}`;

/** Black or white, whichever contrasts more with `hex` (WCAG relative luminance): configured colours are any colours. */
export function readableOn(hex: string): string {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** A badge in the area's risk colour, bordered in its control status' colour, naming both. */
export function RiskBadge({ settings: s, area, children }: { settings: RiskSettings | null; area: RiskState; children?: ComponentChildren }) {
  const status = find(s?.controlStatuses, area.controlStatus);
  return (
    <span class="risk-badge" data-risk={area.riskColour} data-control={area.controlStatus} style={{ background: levelColour(s, area.riskColour), color: readableOn(levelColour(s, area.riskColour)), borderColor: status?.colour ?? UNKNOWN }} title={riskText(s, area)}>
      {children}
      {children ? ' · ' : ''}
      {riskText(s, area)}
    </span>
  );
}

/** Applies live `area.risk_changed` events over areas loaded earlier. */
export function withRisk<T extends { id: string } & RiskState>(areas: T[], changed: Record<string, RiskState>): T[] {
  return areas.map((a) => (changed[a.id] ? { ...a, ...changed[a.id] } : a));
}
