/**
 * One fuzz request: a draft built from the document's schemas (path, query, headers, body), what a
 * mutation changed on the wire, and its encoding into bytes. `submitted` lists every value the
 * client sent (body, query, headers; not the path, see fuzz-findings.md), which an answer must
 * never echo.
 */
import { RawJson } from './hostile';
import type { Operation } from './document';

export interface Draft {
  path: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** A JSON value (JSON media types) or the text itself (text/csv). */
  body?: { media: string; value: unknown };
}

/** What a mutation did beyond the draft's values. `undefined` fields: the default encoding. */
export interface WireTweaks {
  /** null: no Content-Type header at all. */
  contentType?: string | null;
  contentEncoding?: string;
  /** Replaces the encoded body (wrong media types, broken encodings). */
  rawBody?: Buffer;
  /** Replaces the Authorization header (null: none). */
  authorization?: string | null;
  /** A long query string appended as is. */
  querySuffix?: string;
}

export interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  submitted: string[];
}

export function clone<T>(v: T): T {
  if (v instanceof RawJson || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: clone((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out as T;
}

/** JSON text, with RawJson numbers verbatim and own `__proto__` keys kept. */
export function toJson(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${toJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Percent-encoding that also writes an unpaired surrogate (as its 3 generalized-UTF-8 bytes, which no decoder accepts). */
export function pct(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    let out = '';
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const pair = c <= 0xdbff && i + 1 < v.length ? v.charCodeAt(i + 1) : 0;
        if (pair >= 0xdc00 && pair <= 0xdfff) {
          out += encodeURIComponent(v.slice(i, i + 2));
          i++;
        } else {
          out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
        }
      } else {
        out += encodeURIComponent(v[i] as string);
      }
    }
    return out;
  }
}

function keys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => keys(x, out));
  else if (v !== null && typeof v === 'object' && !(v instanceof RawJson)) for (const [k, x] of Object.entries(v)) out.push(k, ...keys(x));
  return out;
}

export function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v !== null && typeof v === 'object' && !(v instanceof RawJson)) Object.values(v).forEach((x) => strings(x, out));
  return out;
}

/** A CSV cell as RFC 4180 writes it (quoted when it holds a comma, quote or line break). */
const csvCell = (v: unknown): string => {
  const s = typeof v === 'string' ? v : toJson(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The body as text: CSV drafts are rows of cells, everything else JSON (a text draft as is). */
export function bodyText(body: NonNullable<Draft['body']>): string {
  if (body.media === 'text/csv' && Array.isArray(body.value)) return body.value.map((row) => (Array.isArray(row) ? row.map(csvCell).join(',') : csvCell(row))).join('\n') + '\n';
  if (typeof body.value === 'string' && !body.media.includes('json')) return body.value;
  return toJson(body.value);
}

export function encode(op: Operation, draft: Draft, tweaks: WireTweaks, token: string | undefined): Wire {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => pct(draft.path[name] ?? ''));
  const query = Object.entries(draft.query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${pct(k)}=${pct(x)}`))
    .join('&');
  const qs = [query, tweaks.querySuffix ?? ''].filter(Boolean).join('&');
  const headers: Record<string, string> = { ...draft.headers };
  const auth = tweaks.authorization !== undefined ? (tweaks.authorization?.replaceAll('{token}', token ?? '') ?? null) : token ? `Bearer ${token}` : null;
  if (auth !== null) headers.authorization = auth;
  let body: Buffer | undefined;
  if (tweaks.rawBody) body = tweaks.rawBody;
  else if (draft.body) body = Buffer.from(bodyText(draft.body));
  const contentType = tweaks.contentType !== undefined ? tweaks.contentType : draft.body?.media;
  if (body !== undefined && contentType) headers['content-type'] = contentType;
  if (tweaks.contentEncoding) headers['content-encoding'] = tweaks.contentEncoding;
  const submitted = [
    // A CSV's first row names its columns: field names, which an answer may name (like `errors[].path`).
    ...(draft.body ? strings(draft.body.media === 'text/csv' && Array.isArray(draft.body.value) ? draft.body.value.slice(1) : draft.body.value) : []),
    ...Object.values(draft.query).flat(),
    // Header values the client chose (not the media type or encoding names, which a 415 may name).
    ...Object.values(draft.headers),
    ...(auth !== null ? [auth] : []),
    ...(token ? [token] : []),
  ];
  // A value spelled like a field name of this very request (fast-check likes "constructor") is
  // indistinguishable from the field name an error rightly names: not counted as an echo.
  const names = new Set([...keys(draft.body?.value), ...Object.keys(draft.query)]);
  return { method: op.method, url: qs ? `${path}?${qs}` : path, headers, body, submitted: submitted.filter((v) => !names.has(v)) };
}
