/**
 * The one error handler: AppError, zod errors, body-parser failures (too large, malformed JSON,
 * bad charset) and anything unexpected all become `application/problem+json` (RFC 9457).
 * Field errors name the field and the rule broken, never the value sent (it may be medical).
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { classifyDbError } from '../shared/db-errors';
import { AppError, type ErrorCode } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { fieldErrors } from './validate';

/** Failures of express.json / express.text, by their `type`. */
const BODY_PARSER_CODES: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.too.large': { code: 'payload_too_large', detail: 'the request body is larger than allowed' },
  'entity.parse.failed': { code: 'malformed', detail: 'the request body is not valid JSON' },
  'entity.verify.failed': { code: 'malformed', detail: 'the request body could not be verified' },
  'encoding.unsupported': { code: 'unsupported_media_type', detail: 'unsupported content encoding' },
  'charset.unsupported': { code: 'unsupported_media_type', detail: 'unsupported charset' },
  'request.aborted': { code: 'malformed', detail: 'the request was aborted' },
  'request.size.invalid': { code: 'malformed', detail: 'the request size did not match its Content-Length' },
  'stream.encoding.set': { code: 'internal', detail: 'internal error' },
  'parameters.too.many': { code: 'payload_too_large', detail: 'too many parameters' },
};

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new AppError('validation', 'invalid request', { cause: err, errors: fieldErrors(err) });
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : undefined;
  const known = type ? BODY_PARSER_CODES[type] : undefined;
  if (known) return new AppError(known.code, known.detail, { cause: err });
  return fromDbError(err) ?? fromClientError(err) ?? new AppError('internal', 'internal error', { cause: err });
}

/**
 * Express and body-parser raise other 4xx errors without a `type` (a path parameter that is not
 * valid percent-encoding, a body labelled gzip that isn't): a 400 naming the part, never the value.
 */
function fromClientError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = 'status' in err ? Number(err.status) : 'statusCode' in err ? Number(err.statusCode) : NaN;
  if (status === 413) return new AppError('payload_too_large', 'the request body is larger than allowed', { cause: err });
  if (status === 415) return new AppError('unsupported_media_type', 'unsupported content type or encoding', { cause: err });
  if (!(status >= 400 && status < 500)) return undefined;
  const detail = err instanceof URIError ? 'the request path is not valid percent-encoded UTF-8' : 'the request body could not be read (check its Content-Encoding)';
  return new AppError('malformed', detail, { cause: err });
}

/**
 * A database error that escaped a service: the database being away is a 503 (retry), a constraint
 * the request broke a 404/409/422. Services should name the field themselves; this is the net
 * under them, so a constraint never surfaces as a 500.
 */
function fromDbError(err: unknown): AppError | undefined {
  const fault = classifyDbError(err);
  switch (fault?.kind) {
    case undefined:
      return undefined;
    case 'unavailable':
      return new AppError('unavailable', 'the database is not answering; try again shortly', { cause: err });
    case 'foreign_key':
      return new AppError('validation', 'a referenced object does not exist', {
        cause: err,
        errors: fault.column ? [{ path: [snakeToCamel(fault.column)], message: 'no such object' }] : [],
      });
    case 'unique':
      return new AppError('conflict', 'this object already exists', { cause: err });
    case 'invalid_value':
      return new AppError('validation', 'a value is out of its allowed range', { cause: err });
  }
}

/** Members every problem document has, whose meaning a detail may never change. */
export const STANDARD_MEMBERS: ReadonlySet<string> = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']);

export function sendProblem(req: Request, res: Response, error: AppError): void {
  const body: Record<string, unknown> = {
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    instance: req.originalUrl.split('?')[0],
    // Extension member: the machine-readable code behind `type`.
    code: error.code,
  };
  if (error.errors?.length) body.errors = error.errors;
  // Extension members never replace the standard ones (a 409 whose `status` was a round's status).
  for (const [key, value] of Object.entries(error.details ?? {})) if (!STANDARD_MEMBERS.has(key)) body[key] = value;
  res.status(error.status).type('application/problem+json').send(JSON.stringify(body));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const error = toAppError(err);
    const log = req.log ?? logger;
    if (error.status >= 500) log.error({ err: error.cause ?? error }, 'request failed');
    sendProblem(req, res, error);
  };
}

const snakeToCamel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Unknown routes answer a problem document too. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(req, res, new AppError('not_found', `no route for ${req.method} ${req.path}`));
};
