/**
 * What every OpenAPI registration file shares: path syntax, JSON and problem+json responses, the
 * usual errors, and `AddRoute`, which registers one route with its request schemas (the very zod
 * schemas the route validates with) and its responses.
 */
import type { RouteConfig, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { idempotencyKeyHeader, problemDocument } from '../contracts/intake.contract';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec {
  request?: RouteConfig['request'];
  responses: RouteConfig['responses'];
  /** No bearer token needed (default: the route requires one). */
  public?: boolean;
}

export type AddRoute = (method: Method, path: string, summary: string, spec: RouteSpec) => void;

/** Express `:name` parameters as OpenAPI `{name}`. */
export const toOpenApiPath = (p: string): string => p.replace(/:([A-Za-z]+)/g, '{$1}');

export const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
export const csv = (description: string): ResponseConfig => ({ description, content: { 'text/csv': { schema: z.string() } } });
export const problem = (description: string): ResponseConfig => ({ description, content: { 'application/problem+json': { schema: problemDocument } } });
export const jsonBody = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
/** A JSON body the client may leave out altogether (every field optional). */
export const optionalJsonBody = (schema: z.ZodType) => ({ ...jsonBody(schema), required: false });
export const idempotencyHeader = z.object({ 'idempotency-key': idempotencyKeyHeader.optional() });

export const errors = {
  400: problem('Malformed body'),
  401: problem('Not authenticated'),
  403: problem('Outside the caller’s role or scope (audited)'),
  404: problem('No such object'),
  409: problem('Conflicts with the current state (e.g. not enough stock, wrong status)'),
  413: problem('Body too large'),
  415: problem('Wrong media type'),
  422: problem('Invalid fields (each named), or an idempotency key reused with another request'),
};
/** Routes behind the per-actor intake limit (needs, pass applications). */
export const rateLimited = { 429: problem('Rate limited') };

/** The errors of a read (no body): 401, 403, 404, 422. */
export const readErrors = { 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] };
/** The errors of a write with a JSON body. */
export const writeErrors = { ...errors };
