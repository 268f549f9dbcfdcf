/**
 * `npm run fuzz -- --runs N [--seed S] [--ops REGEX]`: the fuzz test's properties, longer. Prints
 * a table of operations x statuses seen, then every failure class with its first example, and
 * exits non-zero when there is any. Without --seed it draws one (printed, to replay the run).
 */
import { textOption, numberOption } from '../../bench/options';
import { listOperations, type OpenApiDocument } from './document';
import { createFuzzer } from './fuzz';
import { Report } from './report';
import { startFuzzWorld } from './world';

const args = process.argv.slice(2);
const runs = numberOption(args, 'runs', 200);
const seed = numberOption(args, 'seed', Math.floor(Math.random() * 2 ** 31));
const only = new RegExp(textOption(args, 'ops', '.'));

const out = (line: string) => process.stdout.write(`${line}\n`);
const setup = performance.now();
const fw = await startFuzzWorld('fuzzrun');
const report = new Report(seed);
const began = performance.now();
out(`world and app thread ready in ${((began - setup) / 1000).toFixed(1)} s`);
try {
  const served = await fw.host.send({ method: 'GET', url: '/api/openapi.json', headers: {}, body: undefined }, 30_000);
  if (served.kind !== 'answer') throw new Error(`GET /api/openapi.json: ${served.kind}`);
  const doc = JSON.parse(served.answer.text) as OpenApiDocument;
  const fuzzer = createFuzzer(fw, doc, report, listOperations(doc).filter((o) => only.test(o.key)));
  out(`fuzz: seed ${seed}, ${runs} cases per operation, ${fuzzer.operations.length} operations`);
  for (const op of fuzzer.operations) {
    await fuzzer.run(op, { runs });
    await fuzzer.health(op.key);
    process.stderr.write('.');
  }
  process.stderr.write('\n');
} finally {
  await fw.close();
}
const classes = [...report.classes.values()];
out(report.table());
const per = (phase: string) => ((report.ms.get(phase) ?? 0) / Math.max(1, report.cases)).toFixed(1);
out(`\nper request: ${per('case')} ms in all, ${per('answer')} ms waiting for the app, ${per('counts')} counting rows, ${per('checks')} checking`);
out(`${report.cases} requests in ${((performance.now() - began) / 1000).toFixed(0)} s, seed ${seed}; ${classes.length} failure classes (${classes.reduce((n, c) => n + c.count, 0)} failures)`);
for (const line of report.describe(classes)) out(`- ${line}`);
process.exit(classes.length ? 1 : 0);
