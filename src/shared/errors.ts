/**
 * One error type for the whole service. Code decides the HTTP status (one table below);
 * `details` name the bad fields, never their values (they may be medical).
 */

export const ERROR_CODES = {
  validation: { status: 422, title: 'Invalid request' },
  malformed: { status: 400, title: 'Malformed request body' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  /** The session's account still has an admin-set one-time password: only the change and logout are open. */
  password_change_required: { status: 403, title: 'Password change required' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_mismatch: { status: 422, title: 'Idempotency key reused with a different request' },
  idempotency_in_progress: { status: 409, title: 'A request with this idempotency key is still in progress' },
  invalid_transition: { status: 409, title: 'Status change not allowed' },
  /** A change to a stored plan that would break one of its rules (`rule`: capacity:kg, skill:protective, time-window, shift, trips...). */
  plan_rule_broken: { status: 409, title: 'The change would break a rule of the plan' },
  /** A roster change that would break a driver's limits (`rule`: roster:duty-hours, roster:rest, roster:overlap, roster:licence; `driver` by name). */
  roster_rule_broken: { status: 422, title: 'The roster change would break a driver rule' },
  csv_invalid: { status: 422, title: 'CSV import refused' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One bad field: `path` as a dotted/bracket-free list (e.g. ['details', 'quantity']), message without the input value. */
export interface FieldError {
  path: (string | number)[];
  message: string;
  /** Where the field is: the body (default), a path parameter, the query string or a header. */
  in?: 'body' | 'path' | 'query' | 'header';
}

/** Per-row report entry of a refused CSV import. */
export interface RowError {
  line: number;
  column: string | null;
  reason: string;
}

export interface AppErrorOptions {
  cause?: unknown;
  /** Per-field errors, shown to the client as `errors`. */
  errors?: FieldError[];
  /** Other safe, structured details shown to the client (e.g. a CSV row report). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? ERROR_CODES[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errors = options.errors;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get title(): string {
    return ERROR_CODES[this.code].title;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
