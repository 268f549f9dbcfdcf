/**
 * GET /metrics with API_PROCESSES > 1. The processes share one port, so a scrape reaches one of them
 * at random: answering with its own registry would make every counter jump between processes. So the
 * process a scrape reaches asks the primary, which collects every API process's registry over the
 * cluster's IPC channel, adds its own (the workers with WORKERS=inline, which run there) and merges
 * them with prom-client's AggregatorRegistry: counters and histograms summed, per-process gauges
 * (sockets, pool) summed, gauges of shared state (queues, database) the max, as each metric says.
 * One scrape, the whole service.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

type Ask = { cordon: 'metrics-ask'; id: number };
type Collect = { cordon: 'metrics-collect'; id: number };
type Reply = { cordon: 'metrics-json'; id: number; metrics: unknown[] };
type Answer = { cordon: 'metrics-text'; id: number; text: string } | { cordon: 'metrics-text'; id: number; error: string };

/** How long the primary waits for a process's registry: one that does not answer in time is left out. */
const COLLECT_TIMEOUT_MS = 3000;

const isMessage = <T extends { cordon: string }>(m: unknown, kind: T['cordon']): m is T =>
  typeof m === 'object' && m !== null && (m as { cordon?: unknown }).cordon === kind;

/** In an API process of a cluster: answers the primary's collections, and returns how to ask it for the whole. */
export function clusterExposition(registry: Registry): () => Promise<{ contentType: string; text: string }> {
  let next = 0;
  const waiting = new Map<number, (answer: Answer) => void>();
  process.on('message', (message: unknown) => {
    if (isMessage<Collect>(message, 'metrics-collect')) {
      // With a callback: a primary gone meanwhile is an error for the callback, not an 'error' event.
      void registry.getMetricsAsJSON().then((metrics) => process.send?.({ cordon: 'metrics-json', id: message.id, metrics } satisfies Reply, undefined, undefined, () => undefined));
    } else if (isMessage<Answer>(message, 'metrics-text')) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the primary did not answer the metrics request'));
      }, 2 * COLLECT_TIMEOUT_MS);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        if ('error' in answer) reject(new Error(answer.error));
        else resolve({ contentType: registry.contentType, text: answer.text });
      });
      process.send?.({ cordon: 'metrics-ask', id } satisfies Ask, undefined, undefined, (err: Error | null) => {
        if (!err) return;
        clearTimeout(timer);
        waiting.delete(id);
        reject(new Error('the primary cannot be asked for the metrics'));
      });
    });
}

/**
 * One process's registry, or undefined when it does not answer in time or cannot be asked. A
 * process killed an instant ago still looks connected until the primary reads its exit; a message
 * to it fails with EPIPE, which Node emits as the Worker's 'error' unless `send` has a callback:
 * unheard, it ended the primary and every API process with it (district day, a scrape just after
 * its API process was killed, issue #21).
 */
export function collectFrom(worker: Pick<Worker, 'on' | 'off' | 'send'>, id: number): Promise<unknown[] | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(undefined), COLLECT_TIMEOUT_MS);
    const onMessage = (message: unknown) => {
      if (isMessage<Reply>(message, 'metrics-json') && message.id === id) done(message.metrics);
    };
    const done = (metrics: unknown[] | undefined) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(metrics);
    };
    worker.on('message', onMessage);
    worker.send({ cordon: 'metrics-collect', id } satisfies Collect, (err: Error | null) => {
      if (err) done(undefined);
    });
  });
}

/** In the primary: answers the API processes' metrics requests with every registry merged (see the file comment). */
export function serveClusterMetrics(own: Registry): void {
  let next = 0;
  cluster.on('message', (asker: Worker, message: unknown) => {
    if (!isMessage<Ask>(message, 'metrics-ask')) return;
    void (async () => {
      const id = next++;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
      const parts = (await Promise.all(alive.map((w) => collectFrom(w, id)))).filter((m): m is unknown[] => m !== undefined);
      parts.push(await own.getMetricsAsJSON());
      const text = await AggregatorRegistry.aggregate(parts as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
      return { cordon: 'metrics-text', id: message.id, text } satisfies Answer;
    })()
      .catch((err: unknown) => ({ cordon: 'metrics-text', id: message.id, error: (err as Error).message }) satisfies Answer)
      // The asker may have died meanwhile: its answer is dropped (see collectFrom).
      .then((answer) => asker.isConnected() && asker.send(answer, () => undefined));
  });
}
