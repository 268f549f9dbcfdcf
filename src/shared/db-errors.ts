/**
 * What a database error means for the caller, in one place: a constraint the request broke (its
 * fault: 404/409/422), or the database being away (nobody's fault: 503, retry). Everything else is
 * a bug (500). Works for `pg` and PGlite errors alike (both carry the SQLSTATE in `code`).
 */

export type DbFault =
  /** A referenced row does not exist (23503): `column` names the referencing column when known. */
  | { kind: 'foreign_key'; constraint: string | undefined; column: string | undefined }
  /** A unique constraint (23505). */
  | { kind: 'unique'; constraint: string | undefined }
  /** A CHECK or NOT NULL constraint, or a value out of its type's range (23514, 23502, 22xxx). */
  | { kind: 'invalid_value'; constraint: string | undefined }
  /** The connection was lost or refused, the server is shutting down or out of connections. */
  | { kind: 'unavailable' };

interface PgLike {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  message?: unknown;
}

/** SQLSTATE classes and codes of a database that is away rather than a request that is wrong. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007', '08P01']);
/** Node socket errors and the pg driver's own messages when its connection went away. */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /Client has encountered a connection error/i, /timeout exceeded when trying to connect/i, /Client was closed and is not queryable/i];

/** `Key (household_id)=(...) is not present in table "households".`: the column, never the value. */
function keyColumn(detail: unknown): string | undefined {
  if (typeof detail !== 'string') return undefined;
  const m = /^Key \(([a-z_][a-z0-9_, ]*)\)=/.exec(detail);
  return m?.[1];
}

export function classifyDbError(err: unknown): DbFault | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as PgLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
  if (code === '23503') return { kind: 'foreign_key', constraint, column: keyColumn(e.detail) };
  if (code === '23505') return { kind: 'unique', constraint };
  if (code === '23514' || code === '23502' || (code !== undefined && code.startsWith('22'))) return { kind: 'invalid_value', constraint };
  if (code !== undefined && (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) return { kind: 'unavailable' };
  const message = typeof e.message === 'string' ? e.message : '';
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return { kind: 'unavailable' };
  return undefined;
}
