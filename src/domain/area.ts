/** The grid: district > street/township > community/village > building > corridor (stairwell/unit). */

export const AREA_KINDS = ['district', 'street', 'community', 'building', 'corridor'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/**
 * How tightly an area is locked down and its risk level: codes of the district's configured lists
 * (src/domain/risk-map.ts, CONTROL_STATUSES and RISK_LEVELS), not a fixed set.
 */
export type ControlStatus = string;
export type RiskColour = string;

export interface Area {
  id: string;
  kind: AreaKind;
  parentId: string | null;
  /** The community this area belongs to (itself for a community; null above community level). */
  communityId: string | null;
  name: string;
  controlStatus: ControlStatus;
  /** The risk level's code (the five-colour map's colour by default). */
  riskColour: RiskColour;
  lat: number | null;
  lon: number | null;
  /** When it was retired (never deleted: its history stays); null while in use. */
  retiredAt: Date | null;
}

/**
 * The kinds an area's parent may have: a corridor (a building unit's stairwell gate) hangs under a
 * building or straight under its community, as districts that keep no building level register them.
 */
export function parentKindsOf(kind: AreaKind): readonly AreaKind[] {
  return kind === 'corridor' ? ['building', 'community'] : kind === 'district' ? [] : [parentKindOf(kind) as AreaKind];
}

/** The kind an area's parent must have (a district has none). */
export function parentKindOf(kind: AreaKind): AreaKind | null {
  switch (kind) {
    case 'district':
      return null;
    case 'street':
      return 'district';
    case 'community':
      return 'street';
    case 'building':
      return 'community';
    case 'corridor':
      return 'building';
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}
