/** HTTP bodies and parameters of the pass, emergency and transport routes (strict: unknown keys refused). */
import { z } from 'zod';
import { isoDate, isoDateTime } from '../domain/dates';
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
