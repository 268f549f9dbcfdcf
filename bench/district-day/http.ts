/**
 * The bench's HTTP client: JSON in and out, a session token, the time each answer took, and whether
 * its request opened a connection (`fresh`).
 *
 * Why `fresh`: the service's processes accept one new connection per turn of their event loop (libuv
 * 1.46, Node 20), and while the round's preparation holds both cores a turn takes 100-200 ms: new
 * connections then wait for seconds before the API sees them, requests on open ones do not (issue
 * #21). fetch's pool (undici) opens a connection whenever all of its open ones are busy,
 * so a burst that waits makes more of them. Which request opened one is read off undici's
 * diagnostics channel: the socket a request's headers were sent on, seen before or not.
 */
import { subscribe } from 'node:diagnostics_channel';

export interface Answer { status: number; body: Record<string, unknown>; ms: number; okAt: number; fresh: boolean }

const CALL_HEADER = 'x-bench-call';
const CALL_ID = new RegExp(`${CALL_HEADER}: (\\d+)`, 'i');
const sockets = new WeakSet<object>();
const freshCalls = new Set<string>();
let calls = 0;
subscribe('undici:client:sendHeaders', (message) => {
  const { headers, socket } = message as { headers: string; socket: object };
  const id = CALL_ID.exec(headers)?.[1];
  if (id !== undefined && !sockets.has(socket)) freshCalls.add(id);
  sockets.add(socket);
});

export async function call(url: string, method: string, path: string, token: string | null, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const id = String(++calls);
  const t0 = performance.now();
  const res = await fetch(url + path, {
    method,
    headers: { [CALL_HEADER]: id, ...(body !== undefined ? { 'content-type': contentType } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const okAt = performance.now();
  const fresh = freshCalls.delete(id);
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text: text.slice(0, 300) };
  }
  return { status: res.status, body: parsed, ms: okAt - t0, okAt, fresh };
}

/** `call`, retried while the service answers 502/503 or the connection is refused (an API process or Redis restarting). */
export async function callThrough(url: string, method: string, path: string, token: string | null, body?: unknown, contentType?: string): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const a = await call(url, method, path, token, body, contentType);
      if ((a.status !== 502 && a.status !== 503) || attempt >= 40) return a;
    } catch (err) {
      if (attempt >= 40) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function expectStatus(a: Answer, ok: number[], what: string): Answer {
  if (!ok.includes(a.status)) throw new Error(`${what}: HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 500)}`);
  return a;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded generator, so two runs of the same scale ask the same things. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
