/**
 * Where a request's time went: named phases (its wait for the process's transport turn, the
 * planning lock, the placement...) summed over the request, for the slow-request log line
 * (http/request-log.ts). The request log opens a record per request; `timed` adds to the record of
 * the request it runs for, and outside a request only runs the work.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Phases = Record<string, number>;

const current = new AsyncLocalStorage<Phases>();

/** Runs `fn` with a fresh record of phases (`phases`), which `timed` inside it adds to. */
export function withPhases<T>(phases: Phases, fn: () => T): T {
  return current.run(phases, fn);
}

/** Runs `work`, adding its milliseconds to `phase` of the current request's record. */
export async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const phases = current.getStore();
  if (!phases) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    phases[phase] = (phases[phase] ?? 0) + performance.now() - started;
  }
}

/** Adds `ms` to `phase` of the current request's record (work timed elsewhere, e.g. once for a batch). */
export function addPhase(phase: string, ms: number): void {
  const phases = current.getStore();
  if (phases) phases[phase] = (phases[phase] ?? 0) + ms;
}

/** The phases rounded to whole milliseconds, or undefined when none was timed. */
export function phasesMs(phases: Phases): Record<string, number> | undefined {
  const names = Object.keys(phases);
  return names.length ? Object.fromEntries(names.map((n) => [n, Math.round(phases[n]!)])) : undefined;
}
