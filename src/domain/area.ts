/** The grid: district > street/township > community/village > building > corridor (stairwell/unit). */

export const AREA_KINDS = ['district', 'street', 'community', 'building', 'corridor'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/** How tightly an area is locked down; decides who may leave and how deliveries are handed over. */
export const CONTROL_STATUSES = ['sealed', 'controlled', 'precaution'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

export const RISK_COLOURS = ['green', 'yellow', 'orange', 'red'] as const;
export type RiskColour = (typeof RISK_COLOURS)[number];

export interface Area {
  id: string;
  kind: AreaKind;
  parentId: string | null;
  /** The community this area belongs to (itself for a community; null above community level). */
  communityId: string | null;
  name: string;
  controlStatus: ControlStatus;
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
