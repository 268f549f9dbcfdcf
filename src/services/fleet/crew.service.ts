/**
 * Who drives which vehicle (issue #18, items 4 and 5). For the desk: a round's shift bands per
 * vehicle (each driver's rostered duty around their trips on it), its handovers and who drives each
 * vehicle now. For a driver: their shifts today and the handovers of their vehicles.
 */
import type { MyDayView, RoundCrewView } from '../../contracts/handover.contract';
import type { Actor } from '../../domain/access';
import { ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import { shiftBands } from '../../domain/handover';
import { AppError, notFound } from '../../shared/errors';
import { driverNames, driverRoundsOnRoad, driverShiftsToday, roundHandovers, roundOrigin, roundStatusOf } from '../../store/handover.repository';
import { guardRole } from '../access/access-guard';
import { handoverView, roundHandoverPlan, type HandoverDeps } from './handover.service';

export async function roundCrew(deps: HandoverDeps, actor: Actor, roundId: string, reqId?: string): Promise<RoundCrewView> {
  await guardRole({ audit: deps.audit, reqId }, actor, ['dispatcher', 'admin'], 'round.crew', 'round', roundId);
  if (!(await roundStatusOf(deps.db, roundId))) throw notFound('round');
  const { trips, planned, duties } = await roundHandoverPlan(deps.db, roundId);
  const saved = new Map((await roundHandovers(deps.db, roundId)).map((s) => [s.tripId, s]));
  const bands = shiftBands(trips, duties);
  const names = await driverNames(deps.db, bands.map((b) => b.driverId));
  const handovers = await Promise.all(planned.map((h) => handoverView(deps.db, roundId, h, trips, saved.get(h.toTripId), names)));
  const origin = await roundOrigin(deps.db, roundId, deps.timeZone);
  const nowS = origin ? (deps.clock.now().getTime() - origin.getTime()) / 1000 : Number.NaN;
  const current: RoundCrewView['current'] = [];
  for (const vehicleId of new Set(trips.map((t) => t.vehicleId))) {
    const onRoad = trips.find((t) => t.vehicleId === vehicleId && t.departedAt !== null && t.open && t.driverId);
    const accepted = handovers.filter((h) => h.vehicleId === vehicleId && h.acceptedAt).sort((a, b) => b.atS - a.atS)[0];
    const band = bands.find((b) => b.vehicleId === vehicleId && b.fromS <= nowS && nowS < b.untilS);
    const now = onRoad ? { driverId: onRoad.driverId!, source: 'trip' as const }
      : accepted ? { driverId: accepted.toDriver.id, source: 'handover' as const }
        : band ? { driverId: band.driverId, source: 'shift' as const } : null;
    if (now) current.push({ vehicleId, ...now, driverName: names.get(now.driverId) ?? '' });
  }
  return {
    roundId, shiftStartMin: ROUND_SHIFT_START_MIN, handovers, current,
    bands: bands.map((b) => ({ ...b, driverName: names.get(b.driverId) ?? '' })),
  };
}

export async function myDay(deps: HandoverDeps, actor: Actor): Promise<MyDayView> {
  const driverId = actor.driverId;
  if (actor.role !== 'driver' || !driverId) throw new AppError('forbidden', 'this account has no driver record');
  const shifts = await driverShiftsToday(deps.db, driverId, deps.timeZone);
  const handovers: MyDayView['handovers'] = [];
  for (const roundId of await driverRoundsOnRoad(deps.db, driverId)) {
    const { trips, planned } = await roundHandoverPlan(deps.db, roundId);
    const mine = planned.filter((h) => h.fromDriverId === driverId || h.toDriverId === driverId);
    if (mine.length === 0) continue;
    const saved = new Map((await roundHandovers(deps.db, roundId)).map((s) => [s.tripId, s]));
    const names = await driverNames(deps.db, mine.flatMap((h) => [h.fromDriverId, h.toDriverId]));
    for (const h of mine) {
      handovers.push({ ...(await handoverView(deps.db, roundId, h, trips, saved.get(h.toTripId), names)), role: h.fromDriverId === driverId ? 'outgoing' : 'incoming' });
    }
  }
  return {
    shifts: shifts.map((s) => ({ id: s.id, name: s.name, depotName: s.depotName, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), vehicle: s.vehicle })),
    timeZone: deps.timeZone,
    handovers,
  };
}
