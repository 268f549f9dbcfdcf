/**
 * The operations of the app's own OpenAPI 3.1 document, as the fuzzer walks them: parameters,
 * request media types and the responses each status may have. Read from the document the app
 * serves (GET /api/openapi.json), never from a list kept here, so a new route is fuzzed at once.
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface RawOperation {
  security?: unknown[];
  parameters?: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, ResponseSpec>;
}

export interface ResponseSpec {
  description?: string;
  content?: Record<string, { schema?: JsonSchema }>;
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** `GET /api/needs/{needId}` */
  key: string;
  method: string;
  /** The document's path template, `{name}` parameters. */
  path: string;
  params: Param[];
  /** Media type -> schema of the request body, if the operation takes one. */
  body: Record<string, JsonSchema> | undefined;
  responses: Record<string, ResponseSpec>;
  /** No bearer token needed. */
  public: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function listOperations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = (op.parameters ?? [])
        .filter((p): p is Param & { in: Param['in'] } => p.in !== 'cookie')
        .map((p) => ({ name: p.name, in: p.in, required: p.required ?? p.in === 'path', schema: p.schema ?? {} }));
      const body = op.requestBody
        ? Object.fromEntries(Object.entries(op.requestBody.content).map(([media, c]) => [media, c.schema ?? {}]))
        : undefined;
      out.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, params, body, responses: op.responses, public: !op.security?.length });
    }
  }
  return out;
}

/** Follows `$ref`s into the document (`#/components/schemas/Name`). */
export function resolver(doc: OpenApiDocument): (schema: JsonSchema) => JsonSchema {
  const resolve = (schema: JsonSchema): JsonSchema => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    if (!ref.startsWith('#/')) throw new Error(`fuzz: only local $refs are supported, got ${ref}`);
    let node: unknown = doc;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!node || typeof node !== 'object') throw new Error(`fuzz: unresolved $ref ${ref}`);
    return resolve(node as JsonSchema);
  };
  return resolve;
}

/** The response spec for a status: exact, then `4XX`-style ranges, then `default`. */
export function responseFor(op: Operation, status: number): ResponseSpec | undefined {
  return op.responses[String(status)] ?? op.responses[`${Math.floor(status / 100)}XX`] ?? op.responses.default;
}

const pointer = (parts: string[]): string => '#/' + parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** JSON Pointer (in a URI fragment) to a response schema of the document, for the validator. */
export const responsePointer = (op: Operation, status: string, media: string): string =>
  pointer(['paths', op.path, op.method.toLowerCase(), 'responses', status, 'content', media, 'schema']);

/** JSON Pointer to a request body schema (its `$ref`s resolve against the whole document). */
export const requestPointer = (op: Operation, media: string): string =>
  pointer(['paths', op.path, op.method.toLowerCase(), 'requestBody', 'content', media, 'schema']);
