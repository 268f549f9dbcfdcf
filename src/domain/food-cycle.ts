/**
 * Food entitlement cycles: every household is owed one food package (its kit variant sized for the
 * household) once per cycle of FOOD_CYCLE_DAYS days. A cycle is a pure function of the date, so
 * whoever computes it (a job, its retry, a second worker) names the same cycle and generation stays
 * idempotent.
 *
 * Cycles are counted in whole UTC days from Monday 1970-01-05, so a 7-day cycle is exactly an ISO
 * week and is named like one ("2026-W48"); other lengths are named as an ISO 8601 interval, start
 * date and duration ("2026-11-21/P3D"). Intake names a food_package need by the same id (the current
 * cycle, or the next), so a household's own submission and its entitlement are the same need.
 */
import type { Household } from './household';
import { priorityOf } from './need-intake';

const DAY_MS = 24 * 3600 * 1000;
/** Day number (days since 1970-01-01) of Monday 1970-01-05, the first day of cycle 0. */
const ANCHOR_DAY = 4;
export const MAX_FOOD_CYCLE_DAYS = 28;

export interface FoodCycle {
  /** Stored in needs.cycle and as the food_package identity key. */
  id: string;
  /** First instant of the cycle (00:00 UTC) and first instant after it. */
  start: Date;
  end: Date;
}

/** ISO week of a UTC date, e.g. 2026-W48. */
export function isoWeekOf(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7)); // the Thursday of its week names the year
  const week = Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / DAY_MS + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The cycle of `days` days that contains `at`. */
export function foodCycleAt(at: Date, days: number): FoodCycle {
  if (!Number.isInteger(days) || days < 1 || days > MAX_FOOD_CYCLE_DAYS) throw new RangeError(`cycle length must be 1-${MAX_FOOD_CYCLE_DAYS} days, got ${days}`);
  const day = Math.floor(at.getTime() / DAY_MS);
  const startDay = ANCHOR_DAY + Math.floor((day - ANCHOR_DAY) / days) * days;
  const start = new Date(startDay * DAY_MS);
  const end = new Date((startDay + days) * DAY_MS);
  const id = days === 7 ? isoWeekOf(start) : `${start.toISOString().slice(0, 10)}/P${days}D`;
  return { id, start, end };
}

/**
 * The cycles intake takes a food package for at `now`: the current one (what an absent cycle
 * means) and the next (a coordinator entering needs just before a boundary).
 */
export function openFoodCycles(now: Date, days: number): { current: FoodCycle; next: FoodCycle } {
  const current = foodCycleAt(now, days);
  return { current, next: foodCycleAt(current.end, days) };
}

/** Household sizes the households table admits (members between 1 and 30). */
export const MAX_MEMBERS = 30;

/**
 * The intake rule that depends on the household (priority by size and flags) as a lookup table, so
 * a set-based insert applies exactly what `prepareNeed` would without a second copy of the rule in
 * SQL: `priorityByHousehold[(members - 1) * 8 + flags]` where flags = elderlyAlone + 2 * cannotCook
 * + 4 * chronicIllness. Size sets no count: the package is one per household, its kit variant sized
 * by the catalogue.
 */
export function entitlementTables(): { priorityByHousehold: number[] } {
  const priorityByHousehold = Array.from({ length: MAX_MEMBERS * 8 }, (_, i) => {
    const bits = i % 8;
    const household: Pick<Household, 'members' | 'elderlyAlone' | 'cannotCook' | 'chronicIllness'> = {
      members: Math.floor(i / 8) + 1, elderlyAlone: (bits & 1) !== 0, cannotCook: (bits & 2) !== 0, chronicIllness: (bits & 4) !== 0,
    };
    return priorityOf('food_package', 'routine', household);
  });
  return { priorityByHousehold };
}
