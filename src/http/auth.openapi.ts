/**
 * OpenAPI entries of logout, the password change and the admin routes (login and me are
 * registered in openapi.ts), from the same zod schemas the routes validate with.
 */
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { accountResponse, assignmentsBody, auditQuery, changePasswordBody, disabledBody, newAccountBody, passwordBody, sessionListResponse } from './auth.schemas';
import { AUTH_PATHS } from './routes/auth.routes';

const toOpenApiPath = (p: string): string => p.replace(/:([A-Za-z]+)/g, '{$1}');
const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
const userParams = z.strictObject({ userId: z.uuid() });

const auditRow = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  outcome: z.enum(['allowed', 'denied']),
  requestId: z.string().nullable(),
});

/**
 * @param security the bearer security requirement of the document
 * @param problem builds a problem+json response with the given description
 */
export function registerAccountRoutes(
  r: OpenAPIRegistry,
  security: Record<string, string[]>[],
  problem: (description: string) => ResponseConfig,
): void {
  const errors = {
    401: problem('Not authenticated'),
    403: problem('Not an admin (audited)'),
    404: problem('No such account'),
    422: problem('Invalid fields (each named)'),
  };
  const path = (p: string) => toOpenApiPath(p);
  r.registerPath({
    method: 'post',
    path: AUTH_PATHS.logout,
    summary: 'Log out: the token (or session cookie) stops working at once; the cookie is cleared, and the browser told to drop its cache (Clear-Site-Data)',
    security,
    responses: { 204: { description: 'Session revoked' }, 401: errors[401] },
  });
  r.registerPath({
    method: 'post',
    path: AUTH_PATHS.changePassword,
    summary:
      'Change one’s own password (the current one first). Open to a session whose password an admin set, which may call nothing else until then. The new one: 15+ characters, not a common password, not containing the username. Every other session of the account ends.',
    security,
    request: { body: { content: { 'application/json': { schema: changePasswordBody } } } },
    responses: {
      204: { description: 'Changed' },
      401: errors[401],
      422: problem('Wrong current password (at currentPassword) or a new one the policy refuses (at newPassword)'),
      429: problem('Too many wrong current passwords'),
    },
  });
  r.registerPath({
    method: 'post',
    path: AUTH_PATHS.users,
    summary: 'Create an account (admin) with the assignments of its role',
    security,
    request: { body: { content: { 'application/json': { schema: newAccountBody } } } },
    responses: { 201: json(accountResponse, 'Created'), 409: problem('Username taken'), ...errors },
  });
  r.registerPath({ method: 'get', path: path(AUTH_PATHS.user), summary: 'An account and its assignments (admin)', security, request: { params: userParams }, responses: { 200: json(accountResponse, 'Account'), ...errors } });
  r.registerPath({
    method: 'put',
    path: path(AUTH_PATHS.assignments),
    summary: 'Replace an account’s assignments (admin); live sessions see them on their next request',
    security,
    request: { params: userParams, body: { content: { 'application/json': { schema: assignmentsBody } } } },
    responses: { 200: json(accountResponse, 'Account'), ...errors },
  });
  r.registerPath({
    method: 'post',
    path: path(AUTH_PATHS.revokeSessions),
    summary: 'End every session of an account at once (admin)',
    security,
    request: { params: userParams },
    responses: { 200: json(z.object({ revoked: z.number().int() }), 'Sessions revoked'), ...errors },
  });
  r.registerPath({
    method: 'get',
    path: path(AUTH_PATHS.sessions),
    summary: 'An account’s live sessions with their last use, last used first (admin); no tokens, no addresses',
    security,
    request: { params: userParams },
    responses: { 200: json(sessionListResponse, 'Live sessions'), ...errors },
  });
  r.registerPath({
    method: 'put',
    path: path(AUTH_PATHS.disabled),
    summary: 'Disable (ending every session) or re-enable an account (admin)',
    security,
    request: { params: userParams, body: { content: { 'application/json': { schema: disabledBody } } } },
    responses: { 200: json(accountResponse, 'Account'), ...errors },
  });
  r.registerPath({
    method: 'put',
    path: path(AUTH_PATHS.password),
    summary: 'Set a new password (admin reset); every session of the account ends',
    security,
    request: { params: userParams, body: { content: { 'application/json': { schema: passwordBody } } } },
    responses: { 204: { description: 'Password set' }, ...errors },
  });
  r.registerPath({
    method: 'get',
    path: AUTH_PATHS.audit,
    summary: 'Read the audit log (admin): ids and action names only',
    security,
    request: { query: auditQuery },
    responses: { 200: json(z.object({ items: z.array(auditRow) }), 'Audit rows, oldest first'), ...errors },
  });
}
