/** The bench's HTTP client: JSON in and out, a session token, and the time each answer took. */
export interface Answer { status: number; body: Record<string, unknown>; ms: number; okAt: number }

export async function call(url: string, method: string, path: string, token: string | null, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': contentType } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const okAt = performance.now();
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text: text.slice(0, 300) };
  }
  return { status: res.status, body: parsed, ms: okAt - t0, okAt };
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
