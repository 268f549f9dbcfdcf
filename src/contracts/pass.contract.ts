/** HTTP bodies and parameters of the pass, emergency and transport routes (strict: unknown keys refused), and their responses. */
import { z } from 'zod';
import { isoDate, isoDateTime } from '../domain/dates';
import { EMERGENCY_KINDS, EMERGENCY_STATUSES, REVIEW_OUTCOMES } from '../domain/emergency';
import { PASS_STATUSES } from '../domain/pass-status';

const text = (max: number) => z.string().trim().min(1).max(max);
const isoTime = isoDateTime();

export const passParams = z.strictObject({ passId: z.uuid() });
export const householdParams = z.strictObject({ householdId: z.uuid() });
export const communityParams = z.strictObject({ communityId: z.uuid() });
/** `?status=applied,under_review` (comma-separated, any of the pass statuses); none: every status. `limit` default 500. */
export const communityPassesQuery = z.strictObject({
  status: z.string().max(300).optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []))
    .pipe(z.array(z.enum(PASS_STATUSES)).max(PASS_STATUSES.length)),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});
export type CommunityPassesQuery = z.output<typeof communityPassesQuery>;
export const driverParams = z.strictObject({ driverId: z.uuid() });
export const emergencyParams = z.strictObject({ emergencyId: z.uuid() });

export const applyPassBody = z.strictObject({
  /** The household member who travels. */
  person: text(80),
  hospitalId: z.uuid(),
  reason: text(500),
  appointmentAt: isoTime,
  /** Expected length of the visit: the return trip is planned from its end. Default 120. */
  visitMinutes: z.int().min(15).max(720).default(120),
  needsEscort: z.boolean().default(false),
  needsWheelchair: z.boolean().default(false),
});
export type ApplyPassBody = z.output<typeof applyPassBody>;

/** Actions that change a pass's status, as the last path segment of POST /api/passes/:passId/:action. */
export const PASS_ROUTE_ACTIONS = ['review', 'approve', 'refuse', 'issue', 'outbound-done', 'at-hospital', 'return-done', 'return', 'cancel'] as const;
export const passActionParams = z.strictObject({ passId: z.uuid(), action: z.enum(PASS_ROUTE_ACTIONS) });

export const passActionBody = z.strictObject({
  /** Required to refuse. */
  reason: text(500).optional(),
  note: text(500).optional(),
  /** Issue only: the validity window (default: 3 h before the appointment to 3 h after the visit). */
  validFrom: isoTime.optional(),
  validUntil: isoTime.optional(),
});
export type PassActionBody = z.output<typeof passActionBody>;

export const verifyPassBody = z.strictObject({ code: z.string().min(1).max(1000) });

export const hospitalBody = z.strictObject({
  name: text(160),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

export const emergencyBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('acute_illness'),
    /** Default: the nearest hospital. */
    hospitalId: z.uuid().optional(),
  }),
  z.strictObject({
    kind: z.literal('emergency_medicine'),
    drug: text(120),
    strength: text(60),
    quantity: z.int().min(1).max(1000),
  }),
]);
export type EmergencyBody = z.output<typeof emergencyBody>;

export const emergencyReviewBody = z.strictObject({
  outcome: z.enum(['justified', 'not_justified', 'follow_up']),
});

export const reportQuery = z.strictObject({
  from: isoDate(),
  to: isoDate(),
  communityId: z.uuid().optional(),
});
export type ReportQuery = z.output<typeof reportQuery>;

export const reviewListQuery = z.strictObject({ communityId: z.uuid() });

export const needParams = z.strictObject({ needId: z.uuid() });

/** A medical_pass need carries reason, appointment and handling; the pass adds who travels and where. */
export const passFromNeedBody = z.strictObject({
  person: text(80),
  hospitalId: z.uuid(),
  visitMinutes: z.int().min(15).max(720).default(120),
});
export type PassFromNeedBody = z.output<typeof passFromNeedBody>;

// Responses. z.object (not strict): a field added later does not break a client that validates.
const at = z.iso.datetime();
const id = z.uuid();
const count = z.int().nonnegative();

export const hospitalView = z.object({ id, name: z.string(), lat: z.number(), lon: z.number() }).meta({ id: 'Hospital' });
export const hospitalsResponse = z.object({ hospitals: z.array(hospitalView) });

const LEGS = ['outbound', 'return', 'emergency'] as const;
export const passView = z.object({
  id, householdId: id, person: z.string(), hospitalId: id,
  /** Only for roles that may read the household's medical details. */
  reason: z.string().optional(),
  appointmentAt: at, visitEndsAt: at, needsEscort: z.boolean(), needsWheelchair: z.boolean(), status: z.enum(PASS_STATUSES),
  /** Like `reason`: only for roles that may read medical details. */
  refusalReason: z.string().nullable().optional(),
  validFrom: at.nullable(), validUntil: at.nullable(),
  /** The signed pass code: only for the household's side and its community staff; null until issued. */
  code: z.string().nullable().optional(),
  driverId: id.nullable(),
  transport: z.array(z.object({
    leg: z.enum(LEGS), status: z.enum(['pending', 'assigned', 'done', 'unserved', 'cancelled']), tripId: id.nullable(), unservedReason: z.string().nullable(),
    earliestPickup: at, latestDrop: at,
  })),
  createdAt: at, updatedAt: at,
}).meta({ id: 'Pass' });
export const passListResponse = z.object({ passes: z.array(passView) });

export const verificationKeyResponse = z.object({ algorithm: z.literal('Ed25519'), format: z.literal('spki-der-base64'), publicKey: z.string() });
/** Why a code does not verify: offline checks, then the pass's state (or its status itself). */
const VERIFY_FAILURES = ['malformed', 'bad_signature', 'not_yet_valid', 'expired', 'unknown_pass', 'not_current', 'not_issued', ...PASS_STATUSES] as const;
/** Claims are shown only when the signature held; never the medical reason. */
export const verifyPassResponse = z.object({
  valid: z.boolean(),
  reason: z.enum(VERIFY_FAILURES).optional(),
  passId: id.optional(), householdId: id.optional(), person: z.string().optional(), hospitalId: id.optional(),
  status: z.enum(PASS_STATUSES).optional(), validFrom: at.optional(), validUntil: at.optional(),
});

export const driverTripsResponse = z.object({
  trips: z.array(z.object({
    id, vehicleId: id, status: z.enum(['planned', 'in_progress', 'done', 'cancelled']), emergency: z.boolean(), startsAt: at, endsAt: at,
    stops: z.array(z.object({
      type: z.enum(['pickup', 'drop']), at, lat: z.number(), lon: z.number(), leg: z.enum(LEGS), passId: id.nullable(), emergencyId: id.nullable(),
      wheelchair: z.boolean(), escort: z.boolean(), isolated: z.boolean(), goods: z.boolean(),
    })),
  })),
});
export const passReportResponse = z.object({
  days: z.array(z.object({ communityId: id, day: z.iso.date(), issued: count, out: count, overdue: count, returned: count })),
});

export const emergencyView = z.object({
  id, householdId: id, communityId: id, kind: z.enum(EMERGENCY_KINDS), status: z.enum(EMERGENCY_STATUSES),
  /** `transport:<trip id>` or `round:<round id>:<trip id>`. */
  tripRef: z.string().nullable(),
  driverId: id.nullable(), unservedReason: z.string().nullable(), acceptedAt: at, tripAssignedAt: at.nullable(), doneAt: at.nullable(),
  review: z.object({ status: z.enum(['open', 'closed']), outcome: z.enum(REVIEW_OUTCOMES).nullable(), reviewedAt: at.nullable() }),
}).meta({ id: 'Emergency' });
export const emergencyListResponse = z.object({ cases: z.array(emergencyView) });
const seconds = z.number().nonnegative().nullable();
export const emergencyReportResponse = z.object({
  days: z.array(z.object({
    communityId: id, day: z.iso.date(), cases: count, assigned: count, done: count,
    /** Seconds from accepted to trip assigned (median, longest) and to done (median); null without such a case. */
    assignP50S: seconds, assignMaxS: seconds, doneP50S: seconds, openReviews: count,
  })),
});
