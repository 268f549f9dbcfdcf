/**
 * What every benchmark parses: its `--name value` options and percentiles of its samples.
 *
 *   const seconds = numberOption(args, 'seconds', 20);   // --seconds 30
 */

/** The value after `--name`, or `fallback` when the option is absent. */
export function textOption(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/** A numeric option; a value that is not a number stops the benchmark rather than measure nonsense. */
export function numberOption(args: readonly string[], name: string, fallback: number): number {
  const text = textOption(args, name, String(fallback));
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}"`);
  return value;
}

/** Nearest-rank percentile (p in 0-100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
