/**
 * First module of the solve thread (see solve-thread.ts). The service runs its TypeScript through
 * tsx, but on Node 20 a worker thread given `execArgv: ['--import', 'tsx']` still loads its entry
 * before the hooks are in ("Unknown file extension .ts"). So this plain module registers tsx in the
 * thread, then imports the TypeScript entry named in workerData (the solve entry, or a test's).
 */
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
