/**
 * Request validation with zod: one helper per request part, throwing `validation` with each bad
 * field named (path + message, never the value). Schemas are strict, so unknown fields are refused.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { AppError, type FieldError } from '../shared/errors';

type Where = NonNullable<FieldError['in']>;

/** zod issues as field errors; an unknown key becomes one error per key, at the key's own path. */
export function fieldErrors(error: z.ZodError, where: Where = 'body'): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p.description) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], message: 'unknown field', in: where });
    } else {
      out.push({ path, message: issue.message, in: where });
    }
  }
  return out;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: Where = 'body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error, where);
  const names = [...new Set(errors.map((e) => e.path.join('.') || '(root)'))].join(', ');
  throw new AppError('validation', `invalid ${where === 'path' ? 'path parameter' : where}: ${names}`, { errors });
}

/** The JSON body: refuses other media types (415) before validating. */
export function jsonBody<T extends z.ZodType>(req: Request, schema: T): z.output<T> {
  if (!req.is('application/json')) throw new AppError('unsupported_media_type', 'send the body as application/json');
  return parseOrThrow(schema, req.body, 'body');
}

export const pathParams = <T extends z.ZodType>(req: Request, schema: T): z.output<T> => parseOrThrow(schema, req.params, 'path');
export const queryParams = <T extends z.ZodType>(req: Request, schema: T): z.output<T> => parseOrThrow(schema, req.query, 'query');
