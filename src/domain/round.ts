/**
 * Rounds: a planned delivery of an area's needs by a fleet. What each round kind means, the life of
 * a round (draft > planning > proposed > approved > dispatched > in_progress > completed, or
 * failed while being planned; a proposal may go back to planning when re-planned), and the groups
 * of statuses the rest of the code asks about. Which need kinds a round claims is each need kind's
 * own entry (need-kinds.ts, `rounds`).
 */
import { AppError } from '../shared/errors';
import { ROUND_KINDS, ROUND_STATUSES, type RoundKind, type RoundStatus } from './kinds';
import { needKindsOfRound, type NeedKind } from './need-kinds';

export { ROUND_KINDS, ROUND_STATUSES, type RoundKind, type RoundStatus };

export interface RoundKindSpec {
  /** Skills every vehicle of such a round must hold (none for deliveries). */
  vehicleSkills: readonly string[];
  /**
   * Skills that keep a vehicle out of such a round: a truck that collects epidemic waste carries no
   * food or medicine. Waste vehicles are dedicated ones (as medical-waste transport is in China:
   * 专车专用), so the skill stays a hard exclusion rather than a gate that disinfection lifts.
   */
  refusesSkills: readonly string[];
  /**
   * A vehicle whose last waste trip has no disinfection record after it is left out of such a round
   * (issue #18, item 2). It reaches vehicles that no longer hold the waste skill (a truck handed back
   * to deliveries keeps its trips): the skill alone says nothing about what the vehicle carried.
   */
  disinfectedOnly: boolean;
  /** The round reserves depot stock for what it claims (all delivery rounds do). */
  usesStock: boolean;
  /**
   * The round collects (its stops hand over, its trips unload at disposal sites, see
   * src/planning/collect) instead of delivering from depots. Such a round is planned as one piece:
   * the sites' daily capacities are shared by every route.
   */
  collects: boolean;
}

export const ROUND_KIND_SPECS: Record<RoundKind, RoundKindSpec> = {
  food: { vehicleSkills: [], refusesSkills: ['waste'], disinfectedOnly: true, usesStock: true, collects: false },
  medicine: { vehicleSkills: [], refusesSkills: ['waste'], disinfectedOnly: true, usesStock: true, collects: false },
  mixed: { vehicleSkills: [], refusesSkills: ['waste'], disinfectedOnly: true, usesStock: true, collects: false },
  // Trained crews in protective vehicles: only vehicles with the waste skill collect (one trip after another, disinfected at the end).
  waste: { vehicleSkills: ['waste'], refusesSkills: [], disinfectedOnly: false, usesStock: false, collects: true },
};

/** Whether a vehicle with these skills may serve a round of this kind. */
export const vehicleFitsRound = (kind: RoundKind, skills: readonly string[]): boolean =>
  ROUND_KIND_SPECS[kind].vehicleSkills.every((s) => skills.includes(s)) && !ROUND_KIND_SPECS[kind].refusesSkills.some((s) => skills.includes(s));

/** Need kinds each round kind claims (derived from the need kinds' own entries). */
export const NEED_KINDS_OF_ROUND: Record<RoundKind, readonly NeedKind[]> = {
  food: needKindsOfRound('food'),
  medicine: needKindsOfRound('medicine'),
  mixed: needKindsOfRound('mixed'),
  waste: needKindsOfRound('waste'),
};

/** Whether some vehicle may serve rounds of both kinds: it holds the skills each asks for and none either refuses. */
const shareVehicles = (a: RoundKind, b: RoundKind): boolean => {
  const refused = [...ROUND_KIND_SPECS[a].refusesSkills, ...ROUND_KIND_SPECS[b].refusesSkills];
  return ![...ROUND_KIND_SPECS[a].vehicleSkills, ...ROUND_KIND_SPECS[b].vehicleSkills].some((s) => refused.includes(s));
};

function sharingFleet(kind: RoundKind): NeedKind[] {
  return [...new Set(ROUND_KINDS.filter((other) => shareVehicles(kind, other)).flatMap((other) => NEED_KINDS_OF_ROUND[other]))];
}

/**
 * Need kinds whose rounds draw on the same free vehicles as a round of each kind: those of every
 * round kind some vehicle may serve as well. Food and medicine rounds share the vans (a round's fair
 * share of them counts both kinds' waiting demand, issue #21); waste rounds have trucks of their own.
 */
export const NEED_KINDS_SHARING_FLEET: Record<RoundKind, readonly NeedKind[]> = {
  food: sharingFleet('food'),
  medicine: sharingFleet('medicine'),
  mixed: sharingFleet('mixed'),
  waste: sharingFleet('waste'),
};

const NEXT: Record<RoundStatus, readonly RoundStatus[]> = {
  draft: ['planning', 'failed'],
  planning: ['proposed', 'failed'],
  // A dispatcher's re-plan takes a proposal back to planning, as a new plan generation.
  proposed: ['approved', 'planning'],
  approved: ['dispatched'],
  dispatched: ['in_progress', 'completed'],
  in_progress: ['completed'],
  completed: [],
  failed: [],
};

export const canRoundTransition = (from: RoundStatus, to: RoundStatus): boolean => NEXT[from].includes(to);

/** The 409 for a round asked to move where its status machine does not go. */
export const invalidRoundTransition = (from: RoundStatus, to: RoundStatus): AppError =>
  new AppError('invalid_transition', `a round that is ${from} cannot become ${to}`, { details: { from, to, allowed: NEXT[from] } });

export function assertRoundTransition(from: RoundStatus, to: RoundStatus): void {
  if (!canRoundTransition(from, to)) throw invalidRoundTransition(from, to);
}

/** Being planned: the round owns the needs it claimed, no other round may take them. */
export const PLANNING_ROUND_STATUSES: readonly RoundStatus[] = ['draft', 'planning'];
/** Not yet out: claimed needs can still change round (re-plan, cancel releases stock). */
export const OPEN_ROUND_STATUSES: readonly RoundStatus[] = ['draft', 'planning', 'proposed', 'approved'];
/** A stored plan holds vehicles and stock: from the proposal until the vans are back. */
export const PLANNED_ROUND_STATUSES: readonly RoundStatus[] = ['proposed', 'approved', 'dispatched', 'in_progress'];
/** A plan exists or is being made (a need in such a round is placed on it). */
export const LIVE_PLAN_ROUND_STATUSES: readonly RoundStatus[] = ['planning', ...PLANNED_ROUND_STATUSES];
/** On the road: drivers have their batches, gates expect deliveries. */
export const ON_ROAD_ROUND_STATUSES: readonly RoundStatus[] = ['dispatched', 'in_progress'];
/** Went out: its trips were driven, or are being (custody records are taken until the last unload, after the stops close). */
export const WENT_OUT_ROUND_STATUSES: readonly RoundStatus[] = [...ON_ROAD_ROUND_STATUSES, 'completed'];
/** Round kinds whose trips collect (and must be followed by a disinfection). */
export const COLLECTING_ROUND_KINDS: readonly RoundKind[] = ROUND_KINDS.filter((k) => ROUND_KIND_SPECS[k].collects);
