/**
 * Planning is batch work sharing the cores with interactive work: a sub-problem's search (the
 * sandboxed solver process, or the planning thread with PGlite) takes a core for its whole budget,
 * while a unit chief submits a need, a handover goes out live, an emergency wants a car. (A round's
 * allocation and merge are not lowered: short, bounded, and the whole round waits for them.)
 * Their threads run at a lower CPU priority (a higher nice value, PLANNING_NICE), so when both want a
 * core the scheduler gives it to the interactive side first; planning still takes every idle cycle,
 * so on a quiet machine it is not slower (issue #21: intake p99 of minutes during a district's round).
 *
 * On Linux the nice value belongs to each thread: setpriority(0) lowers the calling thread only, and
 * threads started later inherit it. Raising a nice value needs no privilege; lowering it back does,
 * so neither function ever lowers one. Elsewhere the process's value is set, or nothing happens.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Sets thread (or process) `id`'s nice value to `nice` unless it is already at least that; false when refused. */
function lower(id: number, nice: number): boolean {
  try {
    if (getPriority(id) < nice) setPriority(id, nice);
    return true;
  } catch {
    return false; // the thread ended meanwhile, or the platform refused: planning runs at the usual priority
  }
}

/** The calling thread only (a worker thread's own body calls this): the planning thread. */
export function lowerThisThread(nice: number): boolean {
  return nice <= 0 || lower(0, nice);
}

/** Every thread of this process (V8's helpers were started before): a process that only plans. Returns the threads lowered. */
export function lowerThisProcess(nice: number): number {
  if (nice <= 0) return 0;
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    return lower(0, nice) ? 1 : 0; // no /proc: the process as a whole, where the platform has that
  }
  return tids.filter((tid) => lower(tid, nice)).length;
}

/**
 * Milliseconds of CPU this process has used: the budget clock of a process that only plans (the
 * sandboxed solver). A sub-problem's search then gets its budget in CPU, however many other
 * processes share the cores: with two solves at once per worker (WORKER_SOLVE_CONCURRENCY) and the
 * API busy, a wall-clock budget gave a search half a core or less, and its plan served fewer stops
 * (issue #21). Only for a process whose one busy thread is the search: with PGlite the search runs
 * on a thread beside the API, whose CPU this would count too.
 */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
