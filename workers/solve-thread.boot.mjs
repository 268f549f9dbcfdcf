/**
 * First module of the solve thread (see solve-thread.ts). The service runs its TypeScript through
 * tsx, but on Node 20 a worker thread given `execArgv: ['--import', 'tsx']` still loads its entry
 * before the hooks are in ("Unknown file extension .ts"). So this plain module registers tsx in the
 * thread, lowers it to its nice value, then imports the TypeScript entry named in workerData (the
 * solve entry, or a test's). Lowered first: loading and compiling the planning's modules (about half
 * a second of CPU, quiet) is batch work like the searches that follow, and the sandboxed solver's
 * threads start as a round's first searches begin, in the thick of the day's requests.
 */
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { lowerThisThread } = await import('./planning-priority.ts');
lowerThisThread(workerData.nice ?? 0);
await import(workerData.entry);
