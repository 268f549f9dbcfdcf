/**
 * Talks to the Cordon API: the browser sends the HttpOnly session cookie (same origin only), JSON in
 * and out, and problem+json errors turned into an ApiError whose field errors the forms show next
 * to the right input. A 401 (session over) or a 403 `password_change_required` is also told to the
 * session (session.ts registers through `onAuthProblem`).
 */

export interface FieldError {
  path: (string | number)[];
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldError[],
    readonly rows: { line: number; column: string | null; reason: string }[] = [],
    readonly code: string | undefined = undefined,
  ) {
    super(detail ?? title);
  }

  /** The message for one field, matched on the last segments of its path (`details.quantity` or `quantity`). */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.path.join('.') === field || e.path.join('.').endsWith(`.${field}`))?.message;
  }
}

/** Thrown when the request never reached the server (offline, server down). */
export class NetworkError extends Error {}

interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw body (a CSV text, a chosen file) with its content type, sent as it is. */
  raw?: { body: string | Blob; type: string };
  idempotencyKey?: string;
  /** Another media type than JSON to ask for (a PDF): the answer is then a Blob. */
  accept?: string;
}

interface AuthProblems {
  unauthenticated(): void;
  passwordRequired(): void;
}
let authProblems: AuthProblems | null = null;

export function onAuthProblem(handlers: AuthProblems): void {
  authProblems = handlers;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let body: string | Blob | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.type;
    body = options.raw.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw new NetworkError((err as Error).message);
  }
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json() : res.ok && options.accept ? await res.blob() : await res.text();
  if (!res.ok) {
    const p = (typeof data === 'object' && data !== null ? data : {}) as Partial<{ title: string; detail: string; errors: FieldError[]; rows: ApiError['rows']; code: string }>;
    // A wrong password at login is a 401 too, but there is no session to end then.
    if (res.status === 401 && path !== '/api/auth/login') authProblems?.unauthenticated();
    if (res.status === 403 && p.code === 'password_change_required') authProblems?.passwordRequired();
    throw new ApiError(res.status, p.title ?? res.statusText, p.detail, p.errors ?? [], p.rows ?? [], p.code);
  }
  return data as T;
}

/** A fresh key per logical submission, so a retried POST is not applied twice. */
export function newIdempotencyKey(): string {
  return `web-${crypto.randomUUID()}`;
}
