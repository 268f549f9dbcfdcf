/**
 * The text rule of src/shared/text.ts applied once at the edge to every request: a path, query or
 * JSON body string (or key) holding a NUL character or an unpaired UTF-16 surrogate is refused with
 * a 422 naming the field.
 */
import type { RequestHandler } from 'express';
import { AppError, type FieldError } from '../shared/errors';
import { isCleanText, UNCLEAN_TEXT_MESSAGE } from '../shared/text';

/**
 * Paths of every unclean string (keys included) in a parsed JSON value or query object. Iterative,
 * so a deeply nested body cannot exhaust the stack; the body size limit bounds the work.
 */
export function hostileTextPaths(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isCleanText(v)) found.push(path);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        // A bad key is reported at its parent: echoing it back would carry the bad text.
        if (!isCleanText(k)) found.push(path);
        else stack.push({ v: x, path: [...path, k] });
      }
    }
  }
  return found;
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

const refuse = (errors: FieldError[]): AppError => {
  const names = [...new Set(errors.map((e) => `${e.in} ${e.path.join('.') || '(root)'}`))].join(', ');
  return new AppError('validation', `unusable text in ${names}`, { errors });
};

/** Refuses a request whose path or query carries unclean text (see the file comment). */
export const refuseHostileUrl: RequestHandler = (req, _res, next) => {
  const path = safeDecode(req.path);
  if (path === undefined) return next(new AppError('malformed', 'the request path is not valid percent-encoded UTF-8'));
  const errors: FieldError[] = [];
  if (!isCleanText(path)) errors.push({ path: [], message: UNCLEAN_TEXT_MESSAGE, in: 'path' });
  for (const p of hostileTextPaths(req.query)) errors.push({ path: p, message: UNCLEAN_TEXT_MESSAGE, in: 'query' });
  next(errors.length ? refuse(errors) : undefined);
};

/** Refuses a parsed JSON body carrying unclean text (see the file comment). */
export const refuseHostileBody: RequestHandler = (req, _res, next) => {
  if (typeof req.body !== 'object' || req.body === null) return next();
  const errors = hostileTextPaths(req.body).map((p): FieldError => ({ path: p, message: UNCLEAN_TEXT_MESSAGE, in: 'body' }));
  next(errors.length ? refuse(errors) : undefined);
};
