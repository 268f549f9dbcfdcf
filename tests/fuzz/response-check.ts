/**
 * Is an answer one the document lists? Status (exact, `4XX` range or `default`), media type and
 * body, each body validated by ajv's JSON Schema 2020-12 validator (the dialect of OpenAPI 3.1)
 * against the response schema at its place in the document. Problem documents are also held to
 * RFC 9457 (`status` is the HTTP status) and must not echo what the client sent.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { responseFor, responsePointer, type OpenApiDocument, type Operation } from './document';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** X-Request-Id of the answer (the audit log's request id). */
  requestId?: string;
}

export interface Violation {
  property: 'undocumented_status' | 'undocumented_media_type' | 'undocumented_body' | 'body_schema' | 'problem_status' | 'echoed_value';
  detail: string;
}

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const DOC_ID = 'https://cordon.invalid/openapi.json';

export function mediaOf(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

export function createResponseChecker(doc: OpenApiDocument): (op: Operation, answer: Answer, submitted: readonly string[]) => Violation[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (op: Operation, status: string, media: string): ValidateFunction => {
    // Most answers share one schema (the Problem component): compile each schema once, by its $ref.
    const own = op.responses[status]?.content?.[media]?.schema?.$ref;
    const ref = DOC_ID + (typeof own === 'string' ? own : responsePointer(op, status, media));
    let v = compiled.get(ref);
    if (!v) compiled.set(ref, (v = ajv.compile({ $ref: ref })));
    return v;
  };
  // zod names the type it received ("expected number, received Infinity"): a type name, not an echo.
  const ignored = new Set([...documentWords(doc), 'Infinity', '-Infinity', 'undefined']);

  return (op, answer, submitted) => {
    const out: Violation[] = [];
    const spec = responseFor(op, answer.status);
    const media = mediaOf(answer.contentType);
    if (answer.status >= 400) out.push(...echoes(answer.text, submitted, ignored));
    if (!spec) return [{ property: 'undocumented_status', detail: `${answer.status} (${media || 'no body'}) not listed; listed: ${Object.keys(op.responses).join(', ')}` }, ...out];
    const status = op.responses[String(answer.status)] ? String(answer.status) : Object.keys(op.responses).find((k) => op.responses[k] === spec) ?? 'default';
    if (!spec.content) {
      if (answer.text.length > 0) out.push({ property: 'undocumented_body', detail: `${answer.status} lists no content, got ${media || 'untyped'} body` });
      return out;
    }
    if (!(media in spec.content)) {
      out.push({ property: 'undocumented_media_type', detail: `${answer.status} answered ${media || '(none)'}; listed: ${Object.keys(spec.content).join(', ')}` });
      return out;
    }
    if (!media.endsWith('json')) return out;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...out, { property: 'body_schema', detail: `${answer.status} ${media} body is not JSON` }];
    }
    const validate = validator(op, status, media);
    if (!validate(body)) {
      const errs = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`);
      out.push({ property: 'body_schema', detail: `${answer.status} ${media}: ${errs.join('; ')}` });
    }
    if (media === 'application/problem+json' && (body as { status?: unknown }).status !== answer.status) {
      out.push({ property: 'problem_status', detail: `HTTP ${answer.status} but problem status ${JSON.stringify((body as { status?: unknown }).status)}` });
    }
    return out;
  };
}

/**
 * Submitted values found in an error answer. Short values (under 8 UTF-16 units) and words the
 * document itself uses (enum values, field names) are skipped: finding "medicine" or "cancel" in a
 * problem is not an echo. `instance` (the request path) is dropped first: path ids are identifiers
 * the client addressed, not values it submitted (fuzz-findings.md explains).
 */
function echoes(text: string, submitted: readonly string[], ignored: ReadonlySet<string>): Violation[] {
  let members: [string, string][] = [['(body)', text]];
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') members = collect(parsed, '').filter(([where]) => where !== 'instance');
  } catch {
    // not JSON: search the raw text
  }
  const found = new Map<string, string>();
  for (const v of submitted) {
    if (v.length < 8 || ignored.has(v)) continue;
    const probe = v.length > 64 ? v.slice(0, 32) : v;
    const hit = members.find(([, s]) => s.includes(probe));
    if (hit) found.set(v, hit[0]);
  }
  return [...found].map(([v, where]) => ({ property: 'echoed_value', detail: `\`${where}\` contains a submitted value (${v.length} units${/^[0-9a-f-]{36}$/i.test(v) ? ', an id' : ''})` }));
}

/** Every string in a JSON value with where it sits (`detail`, `errors.0.message`). */
function collect(v: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof v === 'string') out.push([at, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => collect(x, at ? `${at}.${i}` : String(i), out));
  else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => collect(x, at ? `${at}.${k}` : k, out));
  return out;
}

function documentWords(doc: OpenApiDocument): Set<string> {
  const words = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        words.add(k);
        if (k === 'enum' && Array.isArray(x)) x.forEach((e) => typeof e === 'string' && words.add(e));
        walk(x);
      }
    }
  };
  walk(doc);
  return words;
}
