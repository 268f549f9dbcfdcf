/**
 * How much of the free fleet's capacity a round being prepared may take (issue #21). Rounds are
 * prepared one after another, each from what the earlier ones left; if each took its demand with
 * slack and spare vans, the last communities of a cycle got no vehicle at all while the fleet
 * covered every community's demand. Pure arithmetic over load dimensions, no I/O.
 */

/** Spare capacity asked for on top of the demand: routes are never filled to the last bag. */
export const SLACK = 1.3;

export interface FleetTarget {
  /**
   * `slack`: the free fleet covers this round's demand and every other waiting demand with slack,
   * so the round takes its demand times `SLACK` plus a spare vehicle per piece. `share`: it does not,
   * so the round takes its demand's share of the free capacity (at most its demand with slack), no spares.
   */
  mode: 'slack' | 'share';
  /** Capacity to cover, per dimension (same order as the inputs). */
  target: number[];
}

/**
 * `own`: the round's demand per dimension; `waiting`: the demand of the needs still waiting for a
 * round beside it (same district, same kind, not claimed by any round yet); `free`: the free fleet's
 * capacity times trips (Infinity in a dimension some free vehicle does not limit). Only dimensions
 * the round asks for count. The share is `free × own / (own + waiting)`: a round with a third of
 * the demand takes a third of the free capacity, whatever order the rounds are prepared in.
 */
export function fleetTarget(own: readonly number[], waiting: readonly number[], free: readonly number[], slack = SLACK): FleetTarget {
  const asked = own.map((d) => d > 0);
  const total = own.map((d, k) => d + (waiting[k] ?? 0));
  const plenty = own.every((_, k) => !asked[k] || free[k]! >= slack * total[k]!);
  if (plenty) return { mode: 'slack', target: own.map((d) => slack * d) };
  return { mode: 'share', target: own.map((d, k) => (asked[k] ? Math.min(slack * d, (free[k]! * d) / total[k]!) : 0)) };
}
