/**
 * Ends a sandboxed solve child once the worker process that forked it is gone (killed with SIGKILL,
 * say). BullMQ's handling is not enough: the child's `uncaughtException` handler reports to the
 * parent over the closed IPC channel, fails, and re-enters itself through the microtask queue, so the
 * child spins for ever (most of a core, growing to gigabytes) and never gets back to its event loop,
 * where timers, SIGTERM and the IPC 'disconnect' event would run. A synchronous solve holds the event
 * loop as long as its budget too. So the watch runs on a thread of its own, which neither can starve,
 * and ends the process with SIGKILL: exit handlers are what loops.
 *
 * The watch starts before anything else in the child (solve-child.preload.ts, a `--import` of its
 * fork), and the worker names itself in the child's environment (SOLVE_CHILD_PARENT_ENV): a worker
 * killed while its child was still loading the processor (seconds of TypeScript on a busy machine)
 * left the child re-parented before a watch started, which then took the new parent (pid 1) for its
 * own and kept it alive for ever (found after the district day's kill -9, issue #21).
 */
import { Worker } from 'node:worker_threads';

/** The environment variable through which a worker tells its solve children its pid. */
export const SOLVE_CHILD_PARENT_ENV = 'CORDON_SOLVE_CHILD_PARENT';

/** Plain JavaScript (no TypeScript loader in the thread). */
const WATCH = `
const { workerData } = require('node:worker_threads');
function parentGone() {
  if (process.ppid !== workerData.parent) return true;
  try { process.kill(workerData.parent, 0); return false; } catch { return true; }
}
const check = () => { if (parentGone()) process.kill(process.pid, 'SIGKILL'); };
check();
setInterval(check, workerData.everyMs);
`;

let watching = false;

/** Starts the watch (once per process); it keeps nothing alive on its own. The parent: the one named in the environment, else this process's parent now. */
export function watchParent(everyMs = 500): void {
  if (watching) return;
  watching = true;
  const named = Number(process.env[SOLVE_CHILD_PARENT_ENV]);
  const parent = Number.isInteger(named) && named > 0 ? named : process.ppid;
  const thread = new Worker(WATCH, { eval: true, workerData: { parent, everyMs }, execArgv: [] });
  // A failing watch must not take the solve down with it.
  thread.on('error', () => undefined);
  thread.unref();
}
