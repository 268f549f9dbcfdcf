/**
 * The properties, for every operation of the app's own OpenAPI document (see fuzz-findings.md):
 *  - never a 5xx; every request answered in time; the app thread stays up and /health answers;
 *  - every status, media type and body is one the document lists for that operation;
 *  - a problem document's `status` is its HTTP status, and no error answer echoes a submitted value;
 *  - a refused request (4xx) changes nothing: the row count of every table is the same after it
 *    (a refusal may add its own 'denied' audit row);
 *  - a request the document calls invalid is not accepted (2xx), nor one whose path id names nothing.
 * Each operation x mutation variant is one seeded fast-check property (seed derived from the run's
 * seed, the operation and the variant, so one operation replays alone). Failures are collected, not thrown at the first,
 * so a run reports every class it finds; a test then fails on the list.
 */
import fc from 'fast-check';
import type { Role } from '../../src/domain/access';
import { resolver, type OpenApiDocument, type Operation } from './document';
import { caseArbitrary, CALLERS, type Caller, type FuzzCase } from './fuzz-case';
import { VARIANTS, applies, type Variant } from './mutate';
import { encode } from './request';
import { createRequestChecker } from './request-check';
import { createResponseChecker } from './response-check';
import type { Failure, Report } from './report';
import type { FuzzWorld } from './world';
import type { SchemaContext } from './schema-arbitrary';

/** Longer than any honest answer here, even at load 6; a frozen app shows as a missing answer. */
const TIMEOUT_MS = 10_000;
/**
 * Shares of an operation's cases: valid requests, and the mutations behind most known failures
 * (hostile text, extreme numbers), twice as many as each other mutation.
 */
const DOUBLE: ReadonlySet<Variant> = new Set(['valid', 'hostile_text', 'extreme_number']);
const SHARE = Object.fromEntries(VARIANTS.map((v) => [v, DOUBLE.has(v) ? 2 : 1])) as Record<Variant, number>;
const SHARES = Object.values(SHARE).reduce((a, b) => a + b, 0);
/** Operations that end the caller's session get a session of their own. */
const ENDS_SESSION = new Set(['POST /api/auth/logout']);

export interface Fuzzer {
  operations: Operation[];
  run(op: Operation, options: { runs: number; callers?: readonly Caller[] }): Promise<void>;
  /** GET /health answers 200 (otherwise a failure is recorded against `after`, the operation just fuzzed). */
  health(after: string): Promise<boolean>;
}

export function opSeed(seed: number, key: string): number {
  let h = seed | 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h;
}

export function createFuzzer(fw: FuzzWorld, doc: OpenApiDocument, report: Report, operations: Operation[]): Fuzzer {
  const checkResponse = createResponseChecker(doc);
  const checkRequest = createRequestChecker(doc);
  const ctx: SchemaContext = { resolve: resolver(doc), pool: (name) => fw.pools[name], now: Date.now() };
  let settled: Map<string, number> | undefined;

  async function runCase(op: Operation, c: FuzzCase): Promise<void> {
    const { caller, variant, mutation: m } = c;
    const fail = (f: Omit<Failure, 'op' | 'caller' | 'variant' | 'note'>) => report.fail({ op: op.key, caller, variant, note: m.note, ...f });
    const token = caller === 'anonymous' ? undefined : ENDS_SESSION.has(op.key) ? await fw.freshToken(caller as Role) : fw.tokens[caller as Role];
    const wire = encode(op, m.draft, m.tweaks, token);
    const verdict = checkRequest(op, m.draft, m.tweaks);
    // The counts after a refusal are the counts before the next request (a refusal writes nothing
    // later); after anything else they are taken afresh.
    if (ENDS_SESSION.has(op.key)) settled = undefined; // its fresh session is a new row
    const t0 = performance.now();
    const before = settled ?? (await fw.counts());
    report.time('counts', performance.now() - t0);
    settled = undefined;
    const mark = fw.host.logs.length;
    const sent = await fw.host.send(wire, TIMEOUT_MS);
    report.cases++;
    if (sent.kind === 'answer' || sent.kind === 'no_answer') report.time('answer', sent.ms);
    if (sent.kind === 'unsendable') return report.saw(op.key, 'unsendable');
    if (sent.kind !== 'answer') {
      const died = await until(() => fw.host.death() !== undefined, 2000);
      report.saw(op.key, sent.kind === 'no_answer' ? 'no answer' : 'dropped');
      if (sent.kind === 'dropped' && !died) {
        // Node answers a request head over its 16 KB limit with 431 and closes the socket while
        // the client still writes: the client sees a reset, the app is fine. Below the limit, a
        // dropped connection is the app's doing.
        if (headSize(wire) < 16 * 1024) fail({ property: 'connection_dropped', detail: sent.error, diagnosis: lastError(fw.host.logs.slice(mark)) });
        return;
      }
      if (sent.kind === 'no_answer') {
        const why = sent.blocked ? `event loop blocked: no answer, nor to a ping, after ${(sent.ms / 1000).toFixed(1)} s` : `no answer within ${TIMEOUT_MS / 1000} s`;
        fail({ property: 'no_answer', detail: why });
      } else {
        fail({ property: 'app_died', detail: `${fw.host.death()}`, diagnosis: lastError(fw.host.logs.slice(mark)) });
      }
      // The app is not trusted any more: a fresh thread, and this mutation of this operation stops here
      // (each further case would only cost another freeze).
      report.quarantined.add(`${op.key} ${variant}`);
      await fw.host.restart();
      return;
    }
    const { answer } = sent;
    const t1 = performance.now();
    report.saw(op.key, String(answer.status));
    if (answer.status >= 500) {
      await until(() => fw.host.logs.length > mark, 1000);
      fail({ property: 'server_error', status: answer.status, detail: summary(answer.text), diagnosis: lastError(fw.host.logs.slice(mark)) });
    }
    for (const v of checkResponse(op, answer, wire.submitted)) fail({ property: v.property, status: answer.status, detail: v.detail });
    if (answer.status < 300 && verdict === 'invalid') fail({ property: 'accepted_invalid', status: answer.status, detail: 'the document calls this request invalid' });
    const nothing = unknownIds(op, m.draft.path, fw.pools);
    if (answer.status < 300 && nothing.length) fail({ property: 'unknown_id_accepted', status: answer.status, detail: `path ${nothing.join(', ')} names no object, yet ${answer.status}` });
    report.time('checks', performance.now() - t1);
    if (answer.status >= 400 && answer.status < 500) {
      const after = await fw.counts(answer.requestId);
      settled = after;
      const changed = [...after].filter(([t, n]) => (before.get(t) ?? 0) !== n).map(([t, n]) => `${t} ${before.get(t) ?? 0}->${n}`);
      if (changed.length) fail({ property: 'refused_changed_state', status: answer.status, detail: changed.join(', ') });
    }
  }

  return {
    operations,
    async run(op, { runs, callers = CALLERS }) {
      // One property per variant, so even a short run tries every kind of mutation on every operation.
      for (const variant of VARIANTS.filter((v) => applies(v, op, ctx.resolve))) {
        const property = fc.asyncProperty(caseArbitrary(op, ctx, variant, callers), async (c) => {
          const began = performance.now();
          if (!report.quarantined.has(`${op.key} ${variant}`)) await runCase(op, c);
          report.time('case', performance.now() - began);
        });
        const numRuns = Math.max(1, Math.floor((runs * SHARE[variant]) / SHARES));
        await fc.assert(property, { seed: opSeed(report.seed, `${op.key} ${variant}`), numRuns, endOnFailure: true });
      }
    },
    async health(after) {
      const sent = await fw.host.send({ method: 'GET', url: '/health', headers: {}, body: undefined }, TIMEOUT_MS);
      if (sent.kind === 'answer' && sent.answer.status === 200) return true;
      report.fail({ property: 'health', op: after, caller: 'anonymous', variant: 'probe', note: 'GET /health after fuzzing this operation', detail: sent.kind === 'answer' ? `${sent.answer.status} ${summary(sent.answer.text)}` : sent.kind });
      if (fw.host.death()) await fw.host.restart();
      return false;
    },
  };
}

async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return ok();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Path ids (uuid parameters) that are well-formed but none of the world's: they name nothing. */
function unknownIds(op: Operation, path: Record<string, string>, pools: Record<string, string[]>): string[] {
  return op.params
    .filter((p) => p.in === 'path' && p.schema.format === 'uuid')
    .filter((p) => UUID.test(path[p.name] ?? '') && !pools[p.name]?.some((id) => id.toLowerCase() === path[p.name]?.toLowerCase()))
    .map((p) => p.name);
}

const headSize = (wire: { url: string; headers: Record<string, string> }): number =>
  wire.url.length + Object.entries(wire.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);

const summary = (text: string): string => text.replace(/\s+/g, ' ').slice(0, 160);

/** The last logged error: its message and the first frames in src/ (where to look). */
function lastError(lines: string[]): string | undefined {
  for (const line of [...lines].reverse()) {
    try {
      const entry = JSON.parse(line) as { err?: { type?: string; message?: string; stack?: string }; msg?: string };
      const err = entry.err;
      if (!err) continue;
      const frames = [...(err.stack ?? '').matchAll(/\/((?:src|workers|config)\/[\w/.-]+:\d+)/g)].map((x) => x[1]).slice(0, 3);
      return `${err.type ?? 'Error'}: ${(err.message ?? '').slice(0, 160)}${frames.length ? ` at ${frames.join(' < ')}` : ''}`;
    } catch {
      if (/Error|FATAL/.test(line)) return line.slice(0, 240);
    }
  }
  return undefined;
}
