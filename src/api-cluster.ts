/**
 * API_PROCESSES > 1 (PostgreSQL): a node cluster of API processes sharing the port. Each process
 * reports when it listens, or the one line why it could not; start-up waits for all of them and
 * fails with the first reason (stopping the others). A process that dies later is replaced, after
 * a back-off that doubles while replacements keep dying young, so a crash loop does not spin; never
 * while stopping.
 */
import cluster, { type Worker } from 'node:cluster';
import { ACCEPT_FDS, bindPort, INHERITED_FDS_VARIABLE } from './http/shared-port';
import type { Logger } from './shared/logger';
import { StartupError } from './startup-errors';

/** What an API process tells the primary over IPC once it has started, or failed to. */
type ApiProcessReport = { cordon: 'listening'; port: number } | { cordon: 'failed'; line: string };

/** First replacement after this; doubles up to MAX_RESPAWN_MS while replacements die within HEALTHY_MS. */
const MIN_RESPAWN_MS = 1_000;
const MAX_RESPAWN_MS = 30_000;
const HEALTHY_MS = 60_000;
/** Past the grace period, what an API process may still take to stop (relay, connections) before SIGKILL. */
const STOP_MARGIN_MS = 15_000;

export interface ApiCluster {
  port: number;
  /** Stops every API process (each drains its requests and relay on SIGTERM); idempotent. */
  stop(): Promise<void>;
}

/** In an API process: tells the primary it listens (or why it could not), then returns. */
export function reportToPrimary(report: ApiProcessReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(report, undefined, undefined, () => resolve());
  });
}

function forkApi(): { worker: Worker; started: Promise<number> } {
  // Its descriptors of the port come as extra stdio entries (cluster.setupPrimary, http/shared-port.ts).
  const worker = cluster.fork({ [INHERITED_FDS_VARIABLE]: String(ACCEPT_FDS) });
  // A message to a process that just died fails (EPIPE) as the Worker's 'error' event; unheard, it
  // would end the primary, and the port with it. The process's 'exit' replaces it.
  worker.on('error', () => undefined);
  const started = new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new StartupError(`an API process exited while starting (${signal ?? `code ${code}`}); its log says why`));
    worker.once('exit', onExit);
    worker.on('message', (message: { cordon?: unknown }) => {
      // Other messages (metrics, cluster-metrics.ts) are not about starting.
      if (message.cordon !== 'listening' && message.cordon !== 'failed') return;
      const report = message as ApiProcessReport;
      worker.off('exit', onExit);
      if (report.cordon === 'listening') resolve(report.port);
      else reject(new StartupError(report.line));
    });
  });
  started.catch(() => undefined);
  return { worker, started };
}

function stopWorkers(graceMs: number): Promise<void> {
  const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  return Promise.all(
    alive.map(
      (w) =>
        new Promise<void>((resolve) => {
          const hard = setTimeout(() => w.process.kill('SIGKILL'), graceMs + STOP_MARGIN_MS);
          w.once('exit', () => {
            clearTimeout(hard);
            resolve();
          });
          w.process.kill('SIGTERM');
        }),
    ),
  ).then(() => undefined);
}

export async function startApiCluster(processes: number, logger: Logger, graceMs: number, listen: { port: number; host: string }): Promise<ApiCluster> {
  // The port is bound here, once, and shared by every API process, a replacement too, several
  // descriptors each (http/shared-port.ts).
  const bound = await bindPort(listen.port, listen.host);
  cluster.setupPrimary({ stdio: bound.stdio });
  const first = Array.from({ length: processes }, () => forkApi());
  try {
    await Promise.all(first.map((f) => f.started));
  } catch (err) {
    await stopWorkers(graceMs);
    bound.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  let delay = 0;
  let pending: NodeJS.Timeout | undefined;
  const watch = (worker: Worker, since: number) =>
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      const lived = Date.now() - since;
      delay = lived < HEALTHY_MS && delay > 0 ? Math.min(delay * 2, MAX_RESPAWN_MS) : MIN_RESPAWN_MS;
      logger.error({ pid: worker.process.pid, code, signal, livedMs: lived, replaceInMs: delay }, 'API process died; replacing it');
      pending = setTimeout(() => {
        if (stopping) return;
        const next = forkApi();
        watch(next.worker, Date.now());
        next.started.then(
          () => logger.info({ pid: next.worker.process.pid }, 'API process replaced'),
          (err: unknown) => logger.error({ err: (err as Error).message }, 'replacement API process failed to start'),
        );
      }, delay);
    });
  for (const f of first) watch(f.worker, Date.now());
  return {
    port: bound.port,
    stop: () =>
      (stopping ??= (async () => {
        clearTimeout(pending);
        await stopWorkers(graceMs);
        bound.close();
      })()),
  };
}
