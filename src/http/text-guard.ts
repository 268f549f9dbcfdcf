/**
 * The text rule of src/shared/text.ts applied once at the edge to every request: a path, query or
 * JSON body string (or key) holding a NUL character or an unpaired UTF-16 surrogate is refused with
 * a 422 naming the field.
 */
import type { RequestHandler } from 'express';
import { AppError, type FieldError } from '../shared/errors';
import { isCleanText, UNCLEAN_TEXT_MESSAGE } from '../shared/text';

/** Deeper than any body Cordon takes; a 64 KB body of `[[[...` is 32,000 levels. */
export const MAX_DEPTH = 32;

interface Entry {
  v: unknown;
  key: string | number | null;
  parent: Entry | null;
  depth: number;
}

const pathOf = (e: Entry): (string | number)[] => {
  const out: (string | number)[] = [];
  for (let x: Entry | null = e; x && x.key !== null; x = x.parent) out.unshift(x.key);
  return out;
};

/**
 * Paths of every unclean string (keys included) in a parsed JSON value or query object, or
 * `'too_deep'` past MAX_DEPTH. Iterative with parent links: a path is built only for a bad string,
 * so the walk is linear in the body (copying paths per level made a deep body quadratic: 20,000
 * levels held the event loop for 15 s, before authentication).
 */
export function hostileTextPaths(value: unknown): (string | number)[][] | 'too_deep' {
  const found: (string | number)[][] = [];
  const stack: Entry[] = [{ v: value, key: null, parent: null, depth: 0 }];
  while (stack.length) {
    const e = stack.pop()!;
    const { v, depth } = e;
    if (typeof v === 'string') {
      if (!isCleanText(v)) found.push(pathOf(e));
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_DEPTH) return 'too_deep';
      if (Array.isArray(v)) {
        v.forEach((x, i) => stack.push({ v: x, key: i, parent: e, depth: depth + 1 }));
      } else {
        for (const [k, x] of Object.entries(v)) {
          // A bad key is reported at its parent: echoing it back would carry the bad text.
          if (!isCleanText(k)) found.push(pathOf(e));
          else stack.push({ v: x, key: k, parent: e, depth: depth + 1 });
        }
      }
    }
  }
  return found;
}

const tooDeep = (where: 'query' | 'body'): AppError =>
  new AppError('validation', `the ${where} is nested too deeply`, { errors: [{ path: [], message: `nested more than ${MAX_DEPTH} levels deep`, in: where }] });

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
  const query = hostileTextPaths(req.query);
  if (query === 'too_deep') return next(tooDeep('query'));
  for (const p of query) errors.push({ path: p, message: UNCLEAN_TEXT_MESSAGE, in: 'query' });
  next(errors.length ? refuse(errors) : undefined);
};

/** Refuses a parsed JSON body carrying unclean text (see the file comment). */
export const refuseHostileBody: RequestHandler = (req, _res, next) => {
  if (typeof req.body !== 'object' || req.body === null) return next();
  const found = hostileTextPaths(req.body);
  if (found === 'too_deep') return next(tooDeep('body'));
  const errors = found.map((p): FieldError => ({ path: p, message: UNCLEAN_TEXT_MESSAGE, in: 'body' }));
  next(errors.length ? refuse(errors) : undefined);
};
