/**
 * The test's side of the app thread (app.thread.ts): starts it, sends raw HTTP requests to it
 * (node:http, so a GET may carry a body and any bytes and headers go out as they are), tells an
 * answer from a freeze and from a death, and swaps in a fresh thread after either, so the fuzz
 * goes on and reports them all. A freeze is seen early: a request not answered within 1.5 s gets
 * the thread pinged, and a thread whose event loop cannot answer the ping within 2 s is blocked.
 * After a first replacement a spare thread is kept started, so the next costs no start-up.
 */
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import type { Answer } from './response-check';
import type { AppThreadData } from './app.thread';
import type { Wire } from './request';

export type Sent =
  | { kind: 'answer'; answer: Answer; ms: number }
  /** `blocked`: the thread's event loop did not answer a ping either. */
  | { kind: 'no_answer'; ms: number; blocked: boolean }
  | { kind: 'dropped'; error: string }
  /** The client itself refused to build the request (e.g. a header value it cannot write). */
  | { kind: 'unsendable'; error: string };

export interface AppHost {
  send(wire: Pick<Wire, 'method' | 'url' | 'headers' | 'body'>, timeoutMs: number): Promise<Sent>;
  /** Error logs of the app (pino lines, stderr): the lines after `logs.length` before a request are its own. */
  logs: string[];
  /** Why the current thread ended, if it did (exit code or error). */
  death(): string | undefined;
  /** Replaces the current thread (frozen or dead) with the spare. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const BOOT = new URL('../../workers/solve-thread.boot.mjs', import.meta.url);
const ENTRY = new URL('./app.thread.ts', import.meta.url);
/** Heap of the app thread: a request that allocates without bound hits this, not the machine. */
const HEAP_MB = 768;
const PROBE_AFTER_MS = 1500;
const PONG_WITHIN_MS = 2000;

interface Thread {
  worker: Worker;
  port: number;
  agent: http.Agent;
  ended: string | undefined;
}

export async function startAppHost(data: AppThreadData): Promise<AppHost> {
  const logs: string[] = [];
  let pings = 0;

  const spawn = async (): Promise<Thread> => {
    const worker = new Worker(BOOT, { workerData: { ...data, entry: ENTRY.href }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB }, stdout: true, stderr: true });
    const t: Thread = { worker, port: 0, agent: new http.Agent({ keepAlive: true, maxSockets: 4 }), ended: undefined };
    worker.stdout.resume();
    worker.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    worker.on('error', (err) => (t.ended ??= `thread error: ${(err as { code?: string }).code ?? ''} ${err.message}`.trim()));
    worker.on('exit', (code) => (t.ended ??= `thread exited with code ${code}`));
    worker.on('message', (m: { type: string; line?: string }) => m.type === 'log' && m.line && logs.push(m.line));
    t.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fuzz: the app thread did not start within 120 s')), 120_000);
      worker.on('message', (m: { type: string; port?: number }) => {
        if (m.type !== 'ready' || !m.port) return;
        clearTimeout(timer);
        resolve(m.port);
      });
      worker.once('exit', (code) => reject(new Error(`fuzz: the app thread exited with ${code} while starting: ${logs.slice(-3).join(' ')}`)));
    });
    return t;
  };

  let current = await spawn();
  // A spare is started at the first replacement only: a run that never freezes the app (the aim)
  // should not pay for a second thread's start-up; one that froze it once will likely again.
  let spare: Promise<Thread> | undefined;

  const responsive = (t: Thread): Promise<boolean> =>
    new Promise((resolve) => {
      const id = ++pings;
      const timer = setTimeout(() => done(false), PONG_WITHIN_MS);
      const onMessage = (m: { type: string; id?: number }) => m.type === 'pong' && m.id === id && done(true);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        t.worker.off('message', onMessage);
        resolve(ok);
      };
      t.worker.on('message', onMessage);
      t.worker.postMessage({ type: 'ping', id });
    });

  const send: AppHost['send'] = (wire, timeoutMs) =>
    new Promise((resolve) => {
      const t = current;
      const began = performance.now();
      let req: http.ClientRequest;
      try {
        const headers = { ...wire.headers, ...(wire.body ? { 'content-length': String(wire.body.length) } : {}) };
        req = http.request({ host: '127.0.0.1', port: t.port, method: wire.method, path: wire.url, headers, agent: t.agent });
      } catch (err) {
        return resolve({ kind: 'unsendable', error: (err as Error).message });
      }
      const give = (blocked: boolean) => {
        clearTimeout(probe);
        clearTimeout(timer);
        resolve({ kind: 'no_answer', ms: performance.now() - began, blocked });
        req.destroy();
      };
      const timer = setTimeout(() => give(false), timeoutMs);
      const probe = setTimeout(() => void responsive(t).then((ok) => ok || give(true)), PROBE_AFTER_MS);
      const settle = (s: Sent) => {
        clearTimeout(probe);
        clearTimeout(timer);
        resolve(s);
      };
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => settle({ kind: 'dropped', error: err.message }));
        res.on('end', () => {
          const requestId = res.headers['x-request-id'];
          const answer: Answer = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') };
          if (typeof requestId === 'string') answer.requestId = requestId;
          settle({ kind: 'answer', answer, ms: performance.now() - began });
        });
      });
      req.on('error', (err) => settle({ kind: 'dropped', error: err.message }));
      req.end(wire.body);
    });

  const stop = async (t: Thread): Promise<void> => {
    t.agent.destroy();
    if (t.ended === undefined) {
      const closed = new Promise<void>((resolve) => {
        t.worker.on('message', (m: { type: string }) => m.type === 'closed' && resolve());
        t.worker.once('exit', () => resolve());
        setTimeout(resolve, 5000).unref();
      });
      t.worker.postMessage({ type: 'close' });
      await closed;
    }
    await t.worker.terminate();
  };

  return {
    send,
    logs,
    death: () => current.ended,
    async restart() {
      const old = current;
      old.ended ??= 'replaced by the fuzzer';
      old.agent.destroy();
      void old.worker.terminate();
      current = await (spare ?? spawn());
      spare = spawn();
      spare.catch(() => undefined);
    },
    async close() {
      await Promise.all([stop(current), spare?.then(stop, () => undefined)]);
    },
  };
}
