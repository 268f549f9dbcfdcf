/**
 * Does the document call this request invalid? Then the app must not accept it (2xx). Path,
 * query and header values are checked against their parameter schemas (as strings coerced the
 * way a server reads them), the body against the request schema of its media type, after the
 * decoding a server must do (Content-Encoding, UTF-8, JSON). A query parameter the operation does
 * not declare counts as invalid: the README promises unknown fields are refused. Where the
 * document cannot say (a charset parameter, a BOM, a CSV's rows, a body on a GET), the answer is
 * 'unknown' and no claim is made.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { requestPointer, type JsonSchema, type OpenApiDocument, type Operation } from './document';
import { bodyText, type Draft, type WireTweaks } from './request';
import { mediaOf } from './response-check';

export type Verdict = 'valid' | 'invalid' | 'unknown';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const DOC_ID = 'https://cordon.invalid/openapi-request.json';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function createRequestChecker(doc: OpenApiDocument): (op: Operation, draft: Draft, tweaks: WireTweaks) => Verdict {
  const bodies = new Ajv2020({ strict: false, allErrors: false });
  addFormats(bodies);
  bodies.addSchema({ ...doc, $id: DOC_ID });
  // Parameters travel as text: coerce "5" to 5 as a server would before checking.
  const params = new Ajv2020({ strict: false, coerceTypes: true });
  addFormats(params);
  const cache = new Map<string, ValidateFunction>();
  const compile = (ajv: Ajv2020, key: string, schema: JsonSchema): ValidateFunction => {
    let v = cache.get(key);
    if (!v) cache.set(key, (v = ajv.compile(schema)));
    return v;
  };

  return (op, draft, tweaks) => {
    if (tweaks.querySuffix) return 'invalid';
    for (const where of ['path', 'query', 'header'] as const) {
      const declared = op.params.filter((p) => p.in === where);
      const values = where === 'path' ? draft.path : where === 'query' ? draft.query : pick(draft.headers, declared.map((p) => p.name));
      const schema = {
        type: 'object',
        properties: Object.fromEntries(declared.map((p) => [p.name, p.schema])),
        required: declared.filter((p) => p.required).map((p) => p.name),
        additionalProperties: where === 'header',
      };
      if (!compile(params, `${op.key} ${where}`, schema)(structuredClone(values))) return 'invalid';
    }
    const bodyBytes = tweaks.rawBody ?? (draft.body ? Buffer.from(bodyText(draft.body)) : undefined);
    // A body the operation does not take: the document says nothing of it (a GET's is not even read).
    if (!op.body) return bodyBytes?.length || tweaks.contentEncoding ? 'unknown' : 'valid';
    if (tweaks.contentEncoding && tweaks.contentEncoding !== 'identity') return 'invalid';
    const contentType = tweaks.contentType !== undefined ? tweaks.contentType : (draft.body?.media ?? null);
    if (!bodyBytes || bodyBytes.length === 0) return 'unknown';
    if (contentType === null) return 'invalid';
    const charset = /charset=([^;]+)/i.exec(contentType)?.[1]?.trim().toLowerCase();
    if (charset && charset !== 'utf-8') return 'unknown';
    const media = mediaOf(contentType);
    if (!op.body[media]) return 'invalid';
    if (!media.endsWith('json')) return 'unknown';
    if (bodyBytes[0] === 0xef && bodyBytes[1] === 0xbb && bodyBytes[2] === 0xbf) return 'unknown';
    let value: unknown;
    try {
      value = JSON.parse(strictUtf8.decode(bodyBytes));
    } catch {
      return 'invalid';
    }
    return compile(bodies, `${op.key} body ${media}`, { $ref: DOC_ID + requestPointer(op, media) })(value) ? 'valid' : 'invalid';
  };
}

function pick(headers: Record<string, string>, names: string[]): Record<string, string> {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([k]) => lower.has(k.toLowerCase())));
}
