/**
 * A driver's batch of passenger and emergency trips: where to pick up and drop, when, and which
 * pass or case each leg belongs to. No names, reasons or hospitals: the driver reads the pass
 * code at pickup, and drop points are coordinates.
 */
import { canAccessDriver, type Actor } from '../../domain/access';
import { AppError, notFound } from '../../shared/errors';
import { driverExists } from '../../store/account-scope.repository';
import { driverTrips } from '../../store/pass-transport.repository';

import type { AuditService } from '../access/audit.service';
import type { Db } from '../../store/db';

export interface BatchStop {
  type: 'pickup' | 'drop';
  at: string;
  lat: number;
  lon: number;
  leg: 'outbound' | 'return' | 'emergency';
  passId: string | null;
  emergencyId: string | null;
  wheelchair: boolean;
  escort: boolean;
  /** Contactless hand-over, protective gear. */
  isolated: boolean;
  goods: boolean;
}

export interface TransportTripView { id: string; vehicleId: string; status: string; emergency: boolean; startsAt: string; endsAt: string; stops: BatchStop[] }

export async function driverTransportTrips(deps: { db: Db; audit: AuditService }, actor: Actor, driverId: string, reqId: string | null): Promise<TransportTripView[]> {
  if (!canAccessDriver(actor, driverId)) {
    await deps.audit.record({ actor, action: 'driver.trips.read', subjectType: 'driver', subjectId: driverId, outcome: 'denied', reqId });
    throw new AppError('forbidden', 'not allowed: driver.trips.read');
  }
  if (!(await driverExists(deps.db, driverId))) throw notFound('driver');
  const { trips, requests } = await driverTrips(deps.db, driverId);
  const byId = new Map(requests.map((r) => [r.id, r]));
  return trips.map((t) => ({
    id: t.id, vehicleId: t.vehicle_id, status: t.status, emergency: t.emergency, startsAt: t.starts_at.toISOString(), endsAt: t.ends_at.toISOString(),
    stops: t.stops.flatMap((s): BatchStop[] => {
      const r = byId.get(s.requestId);
      if (!r) return [];
      const pickup = s.type === 'pickup';
      return [{
        type: s.type, at: s.at, lat: pickup ? r.pickup_lat : r.drop_lat, lon: pickup ? r.pickup_lon : r.drop_lon, leg: r.leg,
        passId: r.pass_id, emergencyId: r.emergency_id, wheelchair: r.wheelchair, escort: r.escort, isolated: r.isolated, goods: r.goods,
      }];
    }),
  }));
}
