/**
 * Where a long job spends its time, for its log line: `step(name)` adds the milliseconds since the
 * previous step (or the start) to `ms[name]`.
 */
export interface Steps {
  readonly ms: Record<string, number>;
  step(name: string): void;
}

export function stepTimer(now: () => number = () => performance.now()): Steps {
  const ms: Record<string, number> = {};
  let lap = now();
  return {
    ms,
    step(name) {
      const t = now();
      ms[name] = (ms[name] ?? 0) + Math.round(t - lap);
      lap = t;
    },
  };
}

/** For callers that do not time their steps. */
export const untimed: Steps = { ms: {}, step: () => undefined };
