/**
 * The schema-driven fuzz test (issue #12, item 4): every operation of the app's own OpenAPI
 * document, called by anonymous and every role with valid and mutated requests, on PostgreSQL.
 * Properties: tests/fuzz/fuzz.ts. Seeded and bounded for `npm test`: FUZZ_RUNS cases per
 * operation (default 11: each mutation once); `npm run fuzz -- --runs N` runs them longer.
 * A failure names its seed: FUZZ_SEED=<seed> npx vitest run tests/fuzz/openapi-fuzz.test.ts -t '<operation>'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { listOperations, type OpenApiDocument } from './document';
import { createFuzzer, type Fuzzer } from './fuzz';
import { Report } from './report';
import { startFuzzWorld, type FuzzWorld } from './world';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_112);
const RUNS = Number(process.env.FUZZ_RUNS ?? 11);
// The operations to name the tests by; the fuzz itself walks the document the app serves.
const KEYS = listOperations(buildOpenApiDocument() as unknown as OpenApiDocument).map((o) => o.key);

let fw: FuzzWorld;
let fuzzer: Fuzzer;
const report = new Report(SEED);

beforeAll(async () => {
  fw = await startFuzzWorld('fuzz');
  const served = await fw.host.send({ method: 'GET', url: '/api/openapi.json', headers: {}, body: undefined }, 30_000);
  if (served.kind !== 'answer' || served.answer.status !== 200) throw new Error(`GET /api/openapi.json: ${served.kind}`);
  const doc = JSON.parse(served.answer.text) as OpenApiDocument;
  fuzzer = createFuzzer(fw, doc, report, listOperations(doc));
}, 240_000);
afterAll(async () => {
  // FUZZ_SUMMARY=1: the table `npm run fuzz` prints (operations x statuses, failures) and the time per request.
  if (process.env.FUZZ_SUMMARY) {
    const per = (phase: string) => ((report.ms.get(phase) ?? 0) / Math.max(1, report.cases)).toFixed(1);
    process.stdout.write(`${report.table()}\n${report.cases} requests; per request ${per('case')} ms, ${per('answer')} ms waiting for the app\n`);
  }
  await fw?.close();
}, 60_000);

describe(`OpenAPI fuzz (seed ${SEED}, ${RUNS} cases per operation)`, () => {
  it('walks the document the app serves', () => {
    expect(fuzzer.operations.map((o) => o.key)).toEqual(KEYS);
  });

  it.each(KEYS)('%s: no 5xx, only documented answers, no echo, refusals change nothing', async (key) => {
    const op = fuzzer.operations.find((o) => o.key === key);
    if (!op) throw new Error(`${key} is not in the served document`);
    await fuzzer.run(op, { runs: RUNS });
    await fuzzer.health(key);
    const failures = report.describe(report.failuresOf(key));
    expect(failures, `seed ${SEED}: FUZZ_SEED=${SEED} npx vitest run tests/fuzz/openapi-fuzz.test.ts -t '${key}'`).toEqual([]);
  }, 180_000);
});
