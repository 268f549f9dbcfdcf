/**
 * Request and response bodies of the auth and admin routes (zod 4, unknown fields refused).
 * Field errors name the field, never echo the value (a password typed into the wrong box).
 */
import { z } from 'zod';
import { ROLES } from '../domain/access';
import { MIN_PASSWORD, USERNAME } from '../services/access/auth-accounts.service';

export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  /**
   * `bearer` (default): the token is in the answer, for API clients. `cookie`: the web app's
   * session, in an HttpOnly, SameSite=Strict cookie (Secure behind TLS); the answer holds no token.
   */
  session: z.enum(['bearer', 'cookie']).default('bearer'),
});

export const loginResponse = z.object({
  token: z.string().optional().describe('The bearer token; absent for a cookie session'),
  tokenType: z.enum(['Bearer', 'Cookie']),
  expiresAt: z.iso.datetime(),
  user: z.object({ id: z.uuid(), role: z.enum(ROLES) }),
  mustChangePassword: z.boolean().describe('An admin set this password: until it is changed (POST /api/auth/password) the session may only change it or log out'),
});

/** Changing one's own password: the current one, then the new one (15+ characters, not a common one). */
export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

export const sessionListResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.uuid(),
      client: z.enum(['web', 'api']).describe('`web`: the web app (cookie); `api`: a bearer token'),
      createdAt: z.iso.datetime(),
      lastUsedAt: z.iso.datetime().describe('Last request or live check (recorded at most once a minute)'),
      expiresAt: z.iso.datetime(),
    }),
  ),
});

/** A password an admin sets: the length here; the rest of the policy (common passwords...) in the service. */
const newPassword = z.string().min(MIN_PASSWORD, `at least ${MIN_PASSWORD} characters (a few words make a good one)`).max(256);

export const assignmentsBody = z.strictObject({
  householdId: z.uuid().nullable().optional(),
  corridorIds: z.array(z.uuid()).max(500).optional(),
  communityIds: z.array(z.uuid()).max(100).optional(),
  driverId: z.uuid().nullable().optional(),
});

export const newAccountBody = z.strictObject({
  username: z.string().regex(USERNAME, 'letters, digits and . _ @ - only, 1 to 64'),
  password: newPassword,
  role: z.enum(ROLES),
  assignments: assignmentsBody.optional(),
});

export const disabledBody = z.strictObject({ disabled: z.boolean() });

export const passwordBody = z.strictObject({ password: newPassword });

export const accountResponse = z.object({
  id: z.uuid(),
  username: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.iso.datetime(),
  assignments: z.object({
    householdId: z.uuid().nullable(),
    corridorIds: z.array(z.uuid()),
    communityIds: z.array(z.uuid()),
    driverId: z.uuid().nullable(),
  }),
});

export const meResponse = z.object({
  id: z.uuid(),
  username: z.string(),
  role: z.enum(ROLES),
  householdId: z.uuid().nullable(),
  corridorIds: z.array(z.uuid()),
  communityIds: z.array(z.uuid()),
  driverId: z.uuid().nullable(),
});

export const auditQuery = z.strictObject({
  actorId: z.string().max(64).optional(),
  action: z.string().max(200).optional(),
  subjectType: z.string().max(64).optional(),
  subjectId: z.string().max(200).optional(),
  outcome: z.enum(['allowed', 'denied']).optional(),
  requestId: z.string().max(200).optional(),
  after: z.string().regex(/^\d{1,18}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
