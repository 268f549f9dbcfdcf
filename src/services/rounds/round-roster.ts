/**
 * The roster a round is planned with (issue #18, item 3), taken once when the round is prepared and
 * kept on it, so its sub-problems, merge and every later check of its plan see the same shifts and
 * limits. A depot with shift templates staffs its vehicles with the drivers rostered on the round's
 * day; a depot without any keeps the behaviour from before rosters: each of its free active drivers
 * is on one shift from 08:00 for ROUND_SHIFT_MIN, and may drive any such depot's vehicle (its own
 * depot's first).
 */
import { ROUND_SHIFT_MIN } from '../../domain/gate-hours';
import { DEFAULT_DRIVER_LIMITS, type DriverLimits } from '../../domain/shifts';
import { DEFAULT_POOL, poolOf, type PlanRoster } from '../../planning/adapters/plan-drivers';
import type { VehicleForPlan } from '../../planning/adapters/round-problem';
import { limitsInSeconds, vehicleHours, type Duty } from '../../planning/shifts';
import type { Db } from '../../store/db';
import { rosterOfRoundDay, roundRosterRow, setRoundRoster } from '../../store/roster.repository';

/** What the round keeps (rounds.roster). */
export interface RosterSnapshot { limits: DriverLimits; templated: string[]; duties: Duty[] }

/** Reads the roster of the round's day and keeps it on the round (in the preparing transaction). */
export async function takeRoundRoster(trx: Db, roundId: string, limits: DriverLimits = DEFAULT_DRIVER_LIMITS): Promise<RosterSnapshot> {
  const snapshot = await rosterNow(trx, roundId, limits);
  await setRoundRoster(trx, roundId, snapshot);
  return snapshot;
}

async function rosterNow(db: Db, roundId: string, limits: DriverLimits): Promise<RosterSnapshot> {
  const day = await rosterOfRoundDay(db, roundId);
  const templated = new Set(day.templated);
  const duties: Duty[] = [
    ...day.shifts.filter((s) => templated.has(s.depotId))
      .map((s) => ({ driverId: s.driverId, pool: s.depotId, depotId: s.depotId, start: s.startS, end: s.endS, licences: s.licences, vehicleId: s.vehicleId })),
    ...day.untemplatedDrivers.map((d) => ({ driverId: d.driverId, pool: DEFAULT_POOL, depotId: d.depotId, start: 0, end: ROUND_SHIFT_MIN * 60, licences: d.licences })),
  ];
  return { limits, templated: day.templated, duties };
}

/** The roster the round keeps; a round prepared before rosters reads today's (with the default limits). */
export async function roundRoster(db: Db, roundId: string): Promise<RosterSnapshot> {
  const kept = (await roundRosterRow(db, roundId)) as RosterSnapshot | null;
  return kept ?? rosterNow(db, roundId, DEFAULT_DRIVER_LIMITS);
}

/** Whether the round keeps a roster (rounds prepared before rosters do not: their drivers are not checked). */
export async function hasRoster(db: Db, roundId: string): Promise<boolean> {
  return (await roundRosterRow(db, roundId)) !== null;
}

export const planRoster = (s: RosterSnapshot): PlanRoster => ({ duties: s.duties, templated: s.templated, limits: limitsInSeconds(s.limits) });

/** The vehicles with their hours from the roster (null: nobody on shift who may drive it). */
export function withHours<V extends VehicleForPlan>(vehicles: readonly V[], s: RosterSnapshot): (V & Pick<Required<VehicleForPlan>, 'hours'>)[] {
  return vehicles.map((v) => ({ ...v, hours: vehicleHours({ pool: poolOf(s, v.depotId), licence: v.licenceClass ?? null }, s.duties) }));
}
