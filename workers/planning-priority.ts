/**
 * Planning is batch work sharing the cores with interactive work: a sub-problem's search (on a thread
 * of the sandboxed solver process, or the planning thread with PGlite) takes a core for its whole budget,
 * while a unit chief submits a need, a handover goes out live, an emergency wants a car. (A round's
 * allocation and merge are not lowered: short, bounded, and the whole round waits for them.)
 * Their threads run at a lower CPU priority (a higher nice value, PLANNING_NICE), so when both want a
 * core the scheduler gives it to the interactive side first; planning still takes every idle cycle,
 * so on a quiet machine it is not slower (issue #21: intake p99 of minutes during a district's round).
 *
 * On Linux the nice value belongs to each thread: setpriority(0) lowers the calling thread only, and
 * threads started later inherit it. Raising a nice value needs no privilege; lowering it back does,
 * so this never lowers one. Elsewhere the process's value is set, or nothing happens.
 */
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

/** Milliseconds of CPU this process has used (every thread: user and system). */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The budget clock of one search in a process that only plans (the sandboxed solver), in ms from its
 * first reading (when the search starts): the process's CPU time, but never less than `wallShare` of
 * the wall time. A search sharing a core with one other gets its whole budget of computing, so the
 * two solves a worker runs at once (WORKER_SOLVE_CONCURRENCY) plan as well as one alone; on a machine
 * that cannot give it that share (the API and the database busy at a higher priority) it ends after
 * budget / wallShare on the wall clock, so a round is late by a bounded factor, never stuck.
 * Not for PGlite's planning thread: this process's CPU counts the API beside it there.
 */
export function searchClock(wallShare = 0.5): () => number {
  let start: { cpu: number; wall: number } | undefined;
  // The search reads its clock every iteration (30,000 times in a 420 ms budget); a CPU reading is a
  // system call of about 1.3 us, a tenth of the budget at that rate: re-read it every CPU_EVERY_MS.
  let cpu = 0;
  let cpuReadAt = -Infinity;
  return () => {
    const wall = performance.now();
    if (wall - cpuReadAt >= CPU_EVERY_MS) [cpu, cpuReadAt] = [processCpuMs(), wall];
    start ??= { cpu, wall };
    return Math.max(cpu - start.cpu, (wall - start.wall) * wallShare);
  };
}
const CPU_EVERY_MS = 2;
