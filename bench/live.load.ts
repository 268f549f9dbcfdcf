/**
 * The intake load of the live bench's status part, in a process of its own: autocannon keeps its
 * event loop busy, and the probes' 2xx and socket times must not wait behind it.
 * Told { url, households, tokens, connections, rate, seconds } over IPC; says `started` when the
 * measured run begins (after a 3 s warm-up, as the intake bench) and `done` with its figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { intakeDriver } from './intake.bench';

export interface LoadOrder {
  url: string;
  households: string[];
  tokens: string[];
  connections: number;
  /** Requests per second of all connections; 0: as fast as answered. */
  rate: number;
  seconds: number;
}

export interface LoadResult {
  p99Ms: number;
  failed: number;
}

/** Starts the load in a child; `started` resolves when its measured run begins, `done` when it ends. */
export function startLoad(order: LoadOrder): { started: Promise<void>; done: Promise<LoadResult>; child: ChildProcess } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const started = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type: string }) => m.type === 'started' && resolve());
    child.once('exit', (code) => reject(new Error(`load exited with ${code}`)));
  });
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (m: { type: string } & LoadResult) => m.type === 'done' && resolve({ p99Ms: m.p99Ms, failed: m.failed }));
    child.once('exit', (code) => reject(new Error(`load exited with ${code}`)));
  });
  child.send(order);
  return { started, done, child };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.once('message', (order: LoadOrder) => {
    void (async () => {
      const drive = intakeDriver(order.url, order.households, order.tokens, order.connections, order.rate || undefined);
      await drive(3);
      process.send?.({ type: 'started' });
      const result = await drive(order.seconds);
      process.send?.({ type: 'done', p99Ms: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts }, () => process.exit(0));
    })();
  });
}
