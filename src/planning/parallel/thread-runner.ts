/**
 * Runs pieces of a large solve on worker threads: the one planning module that uses a Node API
 * (worker_threads) and reads a clock (the pieces' time limits are wall-clock). The search stays
 * pure; this file only ships plain jobs out and solutions back, answering in job order.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { solvePiece, type PieceJob, type PieceRunner } from './piece-runner';
import type { Solution } from '../model/problem.types';

interface Ask { id: number; job: PieceJob }
interface Answer { id: number; solution?: Solution; error?: string }

if (!isMainThread && (workerData as { cordonPieces?: boolean } | null)?.cordonPieces) {
  parentPort!.on('message', ({ id, job }: Ask) => {
    try {
      parentPort!.postMessage({ id, solution: solvePiece(job, () => performance.now()) } satisfies Answer);
    } catch (err) {
      parentPort!.postMessage({ id, error: (err as Error).message } satisfies Answer);
    }
  });
}

// Node 20 loads a worker's entry before `--import tsx` hooks apply to it: register tsx first, then import this file.
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); })`;

export interface ThreadRunner {
  run: PieceRunner;
  threads: number;
  close(): Promise<void>;
}

/**
 * A pool of `threads` workers; each takes the next piece (largest first) when it is free. One run at
 * a time; after a run fails (a piece threw), close the pool rather than reuse it.
 */
export function threadRunner(threads: number): ThreadRunner {
  const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(BOOT, { eval: true, workerData: { cordonPieces: true } }));
  for (const w of workers) w.unref();
  const run: PieceRunner = (jobs) => {
    const queue = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.problem.stops.length - jobs[a]!.problem.stops.length || a - b);
    const out = new Array<Solution>(jobs.length);
    return Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      const next = (): void => {
        const id = queue.shift();
        if (id === undefined) return finish();
        w.postMessage({ id, job: jobs[id]! } satisfies Ask);
      };
      const onAnswer = (a: Answer): void => {
        if (a.error !== undefined || !a.solution) {
          queue.length = 0; // the other threads take nothing more of this run
          return finish(new Error(`piece ${a.id}: ${a.error ?? 'no solution'}`));
        }
        out[a.id] = a.solution;
        next();
      };
      const finish = (err?: Error): void => {
        w.off('message', onAnswer);
        w.off('error', finish);
        if (err) reject(err);
        else resolve();
      };
      w.on('message', onAnswer);
      w.on('error', finish);
      next();
    }))).then(() => out);
  };
  return { run, threads: workers.length, close: async () => void (await Promise.all(workers.map((w) => w.terminate()))) };
}
