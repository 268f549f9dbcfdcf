/**
 * The API processes' own gauges through the day, read off the service's GET /metrics (what an
 * operator's Prometheus sees): how long their event loops stalled, how many pooled connections they
 * had out and how many queries waited for one, how many transport changes waited for a batch. Until
 * these, a slow request's phases (its `db.pool` wait, say) could only be read as a busy event loop by
 * inference (issue #21).
 *
 * A scrape reaches one API process, which merges every process's registry (cluster-metrics.ts): the
 * pool and transport gauges are summed over the processes; the event loop's max over the interval
 * since the last scrape is the worst process's (prom-client resets its histogram at each scrape).
 */
import { percentile } from '../options';

export interface GaugeSample {
  /** performance.now() of the answer. */
  at: number;
  loopMaxMs: number;
  poolInUse: number;
  poolWaiting: number;
  transportWaiting: number;
}

const read = (text: string, name: string): number => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
};

/** Scrapes `url`/metrics every `everyMs` until stopped; a scrape that fails is skipped (a fault is on). */
export function sampleGauges(url: string, token: string, everyMs: number): { stop(): Promise<GaugeSample[]> } {
  const samples: GaugeSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        if (res.ok) {
          samples.push({
            at: performance.now(), loopMaxMs: read(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
            poolInUse: read(text, 'cordon_db_pool_in_use_connections'), poolWaiting: read(text, 'cordon_db_pool_waiting_clients'),
            transportWaiting: read(text, 'cordon_transport_changes_waiting'),
          });
        }
      } catch {
        // An API process restarting, say: the next scrape.
      }
      await new Promise((r) => setTimeout(r, everyMs).unref());
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The figures of the samples in [from, to] under `prefix`: p50 and max of each gauge over its scrapes. */
export function gaugeFigures(samples: readonly GaugeSample[], from: number, to: number, prefix: string): Record<string, number | null> {
  const within = samples.filter((s) => s.at >= from && s.at <= to);
  const figure = (k: Exclude<keyof GaugeSample, 'at'>, q: 50 | 100) => {
    const xs = within.map((s) => s[k]).filter((x) => Number.isFinite(x));
    return xs.length ? round1(q === 100 ? Math.max(...xs) : percentile(xs, q)) : null;
  };
  return {
    [`${prefix}_scrapes`]: within.length,
    [`${prefix}_api_loop_max_ms_p50`]: figure('loopMaxMs', 50), [`${prefix}_api_loop_max_ms_max`]: figure('loopMaxMs', 100),
    [`${prefix}_api_pool_in_use_p50`]: figure('poolInUse', 50), [`${prefix}_api_pool_in_use_max`]: figure('poolInUse', 100),
    [`${prefix}_api_pool_waiting_p50`]: figure('poolWaiting', 50), [`${prefix}_api_pool_waiting_max`]: figure('poolWaiting', 100),
    [`${prefix}_transport_waiting_p50`]: figure('transportWaiting', 50), [`${prefix}_transport_waiting_max`]: figure('transportWaiting', 100),
  };
}
