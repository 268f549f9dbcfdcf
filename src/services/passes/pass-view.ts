/**
 * A pass as the API shows it. The medical reason (and a refusal's reason, which may quote it)
 * only to roles that may read medical details of the household; the code only to the household's
 * side and its community staff (a driver sees it at the checkpoint, from the resident).
 */
import { canAccessHousehold, mayReadMedicalDetails, type Actor } from '../../domain/access';
import type { Pass } from '../../domain/pass';
import type { RequestRow } from '../../store/pass-transport.repository';

export interface LegView {
  leg: RequestRow['leg'];
  status: RequestRow['status'];
  tripId: string | null;
  unservedReason: string | null;
  earliestPickup: string;
  latestDrop: string;
}

export interface PassView {
  id: string;
  householdId: string;
  person: string;
  hospitalId: string;
  reason?: string;
  appointmentAt: string;
  visitEndsAt: string;
  needsEscort: boolean;
  needsWheelchair: boolean;
  status: Pass['status'];
  refusalReason?: string | null;
  validFrom: string | null;
  validUntil: string | null;
  code?: string | null;
  driverId: string | null;
  transport: LegView[];
  createdAt: string;
  updatedAt: string;
}

export function passView(actor: Actor, p: Pass, legs: readonly RequestRow[]): PassView {
  const medical = mayReadMedicalDetails(actor, p);
  return {
    id: p.id, householdId: p.householdId, person: p.person, hospitalId: p.hospitalId,
    ...(medical ? { reason: p.reason, refusalReason: p.refusalReason } : {}),
    appointmentAt: p.appointmentAt.toISOString(), visitEndsAt: p.visitEndsAt.toISOString(),
    needsEscort: p.needsEscort, needsWheelchair: p.needsWheelchair, status: p.status,
    validFrom: p.validFrom?.toISOString() ?? null, validUntil: p.validUntil?.toISOString() ?? null,
    ...(canAccessHousehold(actor, p) ? { code: p.code } : {}),
    driverId: p.driverId,
    transport: legs.map((r) => ({
      leg: r.leg, status: r.status, tripId: r.trip_id, unservedReason: r.unserved_reason,
      earliestPickup: r.earliest_pickup.toISOString(), latestDrop: r.latest_drop.toISOString(),
    })),
    createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}
