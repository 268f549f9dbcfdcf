/**
 * Ends a sandboxed solve child once the worker process that forked it is gone (killed with SIGKILL,
 * say). BullMQ's handling is not enough: the child's `uncaughtException` handler reports to the
 * parent over the closed IPC channel, fails, and re-enters itself through the microtask queue, so the
 * child spins for ever (most of a core, growing to hundreds of MB) and never gets back to its event
 * loop, where timers, SIGTERM and the IPC 'disconnect' event would run. A synchronous solve holds the
 * event loop as long as its budget too. So the watch runs on a thread of its own, which neither can
 * starve, and ends the process with SIGKILL: exit handlers are what loops.
 */
import { Worker } from 'node:worker_threads';

/** Plain JavaScript (no TypeScript loader in the thread): the parent is gone once this process was re-parented. */
const WATCH = `
const { workerData } = require('node:worker_threads');
function parentGone() {
  if (process.ppid !== workerData.parent) return true;
  try { process.kill(workerData.parent, 0); return false; } catch { return true; }
}
setInterval(() => { if (parentGone()) process.kill(process.pid, 'SIGKILL'); }, workerData.everyMs);
`;

/** Starts the watch (once per process); it keeps nothing alive on its own. */
export function watchParent(everyMs = 500): void {
  const thread = new Worker(WATCH, { eval: true, workerData: { parent: process.ppid, everyMs }, execArgv: [] });
  // A failing watch must not take the solve down with it.
  thread.on('error', () => undefined);
  thread.unref();
}
