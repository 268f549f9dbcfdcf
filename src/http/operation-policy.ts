/**
 * One policy for what a request may carry, taken from the OpenAPI document (itself generated from
 * the routes' zod schemas), applied before any body is read:
 * - a query parameter the operation does not list is refused (422, in: query), on every route (by the
 *   operation's strict query schema where it has one, here where it has none);
 * - an operation with a JSON body takes `application/json` only, and one with a CSV body `text/csv`
 *   (415 otherwise, also when the body is missing: a PUT read as `{}` once removed every assignment);
 * - an operation without a body refuses one (415): nothing a client sends is silently ignored.
 * GET and HEAD never take a body: any they carry is not read (RFC 9110 gives it no meaning).
 * Requests outside the document (the web app, unknown routes) pass through untouched.
 */
import type { Request, RequestHandler } from 'express';
import { AppError } from '../shared/errors';

interface Operation {
  pattern: RegExp;
  params: number;
  query: ReadonlySet<string>;
  /** Media types of the request body; empty: the operation takes none. */
  body: string[];
  bodyRequired: boolean;
}

interface DocumentLike {
  paths?: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, unknown>; required?: boolean } } | undefined> | undefined>;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(doc: DocumentLike): Map<string, Operation[]> {
  const byMethod = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const segments = path.split(/\{[^}]+\}/);
    const pattern = new RegExp(`^${segments.map(escape).join('([^/]+)')}/?$`);
    for (const [method, op] of Object.entries(item ?? {})) {
      if (!op) continue;
      const list = byMethod.get(method.toUpperCase()) ?? [];
      list.push({
        pattern,
        params: segments.length - 1,
        query: new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)),
        body: Object.keys(op.requestBody?.content ?? {}),
        bodyRequired: op.requestBody?.required !== false && op.requestBody !== undefined,
      });
      byMethod.set(method.toUpperCase(), list);
    }
  }
  // A literal segment wins over a parameter (`/api/stock/ledger.csv` before `/api/stock/{x}`).
  for (const list of byMethod.values()) list.sort((a, b) => a.params - b.params);
  return byMethod;
}

const hasBody = (req: Request): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Builds the middleware for `doc` (see the file comment). */
export function operationPolicy(doc: unknown): RequestHandler {
  const operations = compile(doc as DocumentLike);
  return (req, _res, next) => {
    const op = operations.get(req.method)?.find((o) => o.pattern.test(req.path));
    if (!op) return next();
    // An operation with query parameters validates them with its strict schema (unknown ones
    // included, named beside the bad values); one without any refuses them here.
    const unknown = op.query.size === 0 ? Object.keys(req.query) : [];
    if (unknown.length) {
      return next(new AppError('validation', 'this operation takes no query parameters', { errors: unknown.map((k) => ({ path: [k], message: 'unknown field', in: 'query' as const })) }));
    }
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    if (op.body.length === 0) {
      return next(hasBody(req) ? new AppError('unsupported_media_type', 'this operation takes no request body') : undefined);
    }
    if (!hasBody(req) && !op.bodyRequired) return next();
    if (!req.is(op.body)) return next(new AppError('unsupported_media_type', `send the body as ${op.body.join(' or ')}`));
    next();
  };
}

type ResponsesLike = Record<string, unknown>;
interface OperationLike {
  security?: unknown[];
  parameters?: { in: string }[];
  requestBody?: { required?: boolean };
  responses: ResponsesLike;
}

/**
 * Adds to every operation of `doc` the problem answers the edge itself gives, by the same rules the
 * middleware above, the body parser, the text guard, authentication and the error handler apply,
 * so the document lists every status a route can answer. A route's own entry for a status (a more
 * precise description) is kept. A request body is required unless its entry says `required: false`.
 */
export function withEdgeResponses<T>(doc: T, problem: (description: string) => unknown): T {
  const paths = (doc as { paths?: Record<string, Record<string, OperationLike>> }).paths ?? {};
  for (const item of Object.values(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.requestBody && op.requestBody.required === undefined) op.requestBody.required = true;
      const add = (status: number, description: string) => {
        op.responses[status] ??= problem(description);
      };
      const hasParams = (op.parameters ?? []).some((p) => p.in === 'path');
      if (op.requestBody) {
        add(400, 'Malformed request: the body is not valid JSON or its Content-Encoding is wrong, or a path parameter is not valid percent-encoding');
        add(413, 'Body too large');
      } else if (hasParams) {
        add(400, 'Malformed request: a path parameter is not valid percent-encoding');
      }
      if (method !== 'get' && method !== 'head') add(415, op.requestBody ? 'Wrong media type (or no body)' : 'This operation takes no body');
      if (op.security?.length) {
        add(401, 'Not authenticated');
        add(403, 'Outside the caller’s role or scope (audited)');
        add(404, 'No such object');
      } else if (hasParams) {
        add(404, 'No such object');
      }
      add(422, 'Invalid fields (each named, values never echoed): a bad or unknown query parameter, path parameter or body field, or text with a NUL character or an unpaired surrogate');
      add(431, 'Request headers (or the URL) too large');
      add(503, 'A service Cordon depends on (the database, Redis) is not answering; try again shortly');
    }
  }
  return doc;
}
