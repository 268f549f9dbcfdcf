/**
 * Finding a trip for an accepted emergency case (see emergency.service.ts). Idempotent per case:
 * the transport leg is unique per case, and the case moves only from accepted/unserved.
 */
import type { EmergencyCase } from '../../domain/emergency';
import { assignCaseTrip, moveCase, nearestDepot, roundTripDriver } from '../../store/emergency.repository';
import { findHospital, householdPlace } from '../../store/pass.repository';
import { insertRequest, tripDriver, type NewRequest } from '../../store/pass-transport.repository';
import { inTransportBatch, placesNothing } from '../passes/transport-batch';
import type { Clock } from '../../shared/clock';
import { timed } from '../../shared/timings';

import type { AuditService } from '../access/audit.service';
import type { PassAlerts } from '../passes/pass-alerts';
import type { UrgentOutcome } from '../rounds/urgent.service';
import type { Db } from '../../store/db';

export interface EmergencyDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  alerts: PassAlerts;
  /** The round planner's urgent insertion (src/services/urgent.service.ts); absent: dedicated trips only. */
  urgentInsert?: (needId: string) => Promise<UrgentOutcome>;
}

/** Emergencies are planned for the soonest drop; this only bounds the search. */
const EMERGENCY_SPAN_MS = 4 * 3600_000;
const WAITING = ['accepted', 'unserved'] as const;

async function viaRound(deps: EmergencyDeps, c: EmergencyCase): Promise<EmergencyCase | undefined> {
  if (!deps.urgentInsert || !c.needId) return undefined;
  const outcome = await deps.urgentInsert(c.needId);
  if (outcome.status !== 'inserted') return undefined;
  const at = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const driverId = await roundTripDriver(trx, outcome.roundId, outcome.tripId);
    return moveCase(trx, c.id, WAITING, 'trip_assigned', { tripRef: `round:${outcome.roundId}:${outcome.tripId}`, driverId, tripAssignedAt: at, unservedReason: null });
  });
}

async function legOf(deps: EmergencyDeps, c: EmergencyCase, now: Date): Promise<NewRequest | string> {
  const home = (await householdPlace(deps.db, c.householdId))!;
  const base = {
    pass_id: null, emergency_id: c.id, leg: 'emergency' as const, household_id: c.householdId, community_id: c.communityId,
    earliest_pickup: now, latest_drop: new Date(now.getTime() + EMERGENCY_SPAN_MS), wheelchair: false, escort: false, urgent: true,
  };
  if (c.kind === 'acute_illness') {
    const hospital = c.hospitalId ? await findHospital(deps.db, c.hospitalId) : undefined;
    if (!hospital) return 'no-hospital';
    return { ...base, pickup_lat: home.lat, pickup_lon: home.lon, drop_lat: hospital.lat, drop_lon: hospital.lon, seats: 1, isolated: home.infectionStatus !== 'none', goods: false };
  }
  const depot = await nearestDepot(deps.db, home);
  if (!depot) return 'no-depot';
  return { ...base, pickup_lat: depot.lat, pickup_lon: depot.lon, drop_lat: home.lat, drop_lon: home.lon, seats: 0, isolated: false, goods: true };
}

async function viaTransport(deps: EmergencyDeps, c: EmergencyCase): Promise<EmergencyCase> {
  const now = deps.clock.now();
  const leg = await legOf(deps, c, now);
  // In the process's transport batch, under the planning lock from the start: a retry sweep and the
  // request itself may dispatch the same case at once; the second finds the leg placed already and only records it.
  // The emergencies of a batch apply and finish side by side, so their legs and their cases are
  // written in one statement each (insertRequest and assignCaseTrip coalesce).
  return inTransportBatch(deps.db, {
    now,
    lane: 'emergency',
    places: typeof leg !== 'string',
    apply: async (trx) => {
      if (typeof leg === 'string') return placesNothing((await moveCase(trx, c.id, ['accepted'], 'unserved', { unservedReason: leg })) ?? c);
      const request = await insertRequest(trx, leg);
      const placed = request.status === 'assigned' && request.trip_id ? { tripId: request.trip_id, driverId: await tripDriver(trx, request.trip_id) } : undefined;
      return {
        place: placed ? [] : [request],
        finish: async (t, placement) => {
          const got = placed ?? placement.assigned.get(request.id);
          if (!got) return (await moveCase(t, c.id, ['accepted'], 'unserved', { unservedReason: placement.unserved.get(request.id) ?? 'unserved' })) ?? c;
          const trip = { tripRef: `transport:${got.tripId}`, driverId: got.driverId, at: deps.clock.now() };
          return (await assignCaseTrip(t, { case: c, trip, note: `emergency trip ${got.tripId}`, plannedAt: now })) ?? c;
        },
      };
    },
  });
}

export async function dispatchCase(deps: EmergencyDeps, c: EmergencyCase): Promise<EmergencyCase> {
  const done = (await timed('emergency.round', () => viaRound(deps, c))) ?? (await viaTransport(deps, c));
  const subject = { id: c.id, householdId: c.householdId, communityId: c.communityId };
  if (done.status === 'trip_assigned' && c.status !== 'trip_assigned') await deps.alerts.alert('emergency_trip_assigned', subject, deps.clock.now());
  if (done.status === 'unserved' && c.status === 'accepted') await deps.alerts.alert('emergency_unserved', subject, deps.clock.now());
  return done;
}
