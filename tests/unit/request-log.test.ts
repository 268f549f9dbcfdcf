/** The request log: ids, one line per request at a level set by the status, nothing of bodies or headers. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestLog } from '../../src/http/request-log';
import { REDACT_PATHS } from '../../src/shared/logger';
import { timed } from '../../src/shared/timings';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)); cb(); } });
const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
let base = '';
let close = (): void => undefined;

beforeAll(async () => {
  const app = express();
  app.use(requestLog(logger, { ignore: (url) => url === '/health' }));
  app.use(express.json());
  app.get('/health', (_req, res) => void res.send('ok'));
  app.post('/ok', (req, res) => { req.log?.info({ details: { drug: 'X' } }, 'inside'); res.status(201).json({ ok: true }); });
  app.get('/missing', (_req, res) => void res.status(404).end());
  app.get('/boom', (_req, res) => void res.status(500).end());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

/** The completion line is written when the response finishes on the server, which may be after the client has it. */
const logged = (url: string) => vi.waitUntil(() => lines.some((l) => l.msg === 'request completed' && (l.req as { url: string }).url === url), { timeout: 10_000 });

describe('request log', () => {
  it('echoes a well-formed X-Request-Id, replaces a bad one, and logs one completion line per request', async () => {
    lines.length = 0;
    const good = await fetch(`${base}/ok?x=1`, { method: 'POST', headers: { 'x-request-id': 'abc-123', 'content-type': 'application/json', authorization: 'Bearer secret' }, body: JSON.stringify({ drug: 'Y' }) });
    expect(good.headers.get('x-request-id')).toBe('abc-123');
    const bad = await fetch(`${base}/missing`, { headers: { 'x-request-id': 'no spaces allowed' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // /health (never logged) before /boom: once /boom's line is there, /health's would be too.
    await fetch(`${base}/health`);
    await fetch(`${base}/boom`);
    await logged('/boom');
    const completions = lines.filter((l) => l.msg === 'request completed');
    expect(completions.map((l) => [l.level, (l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode])).toEqual([
      [30, '/ok?x=1', 201], [40, '/missing', 404], [50, '/boom', 500],
    ]);
    expect(completions[0]!.reqId).toBe('abc-123');
    // The handler's own line carries the request id, redacted as every line is.
    expect(lines.find((l) => l.msg === 'inside')).toMatchObject({ reqId: 'abc-123', details: '[redacted]' });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret');
    expect(text).not.toContain('"Y"');
  });

  it('logs a request slower than slowMs at warn, marked slow, with the phases its handler timed', async () => {
    const slowLines: Record<string, unknown>[] = [];
    const slowSink = new Writable({ write(chunk: Buffer, _enc, cb) { slowLines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)); cb(); } });
    const app = express();
    app.use(requestLog(pino({ level: 'warn' }, slowSink), { slowMs: 1 }));
    let arrivedAt: number | undefined;
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    app.get('/waits', async (_req, res) => {
      arrivedAt = performance.now();
      await timed('gate', () => gate);
      await timed('gate', async () => undefined);
      res.status(200).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const answer = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/waits`);
      // Held until it has been in the handler for 5 ms: past slowMs whatever the machine's load.
      await vi.waitUntil(() => arrivedAt !== undefined && performance.now() - arrivedAt >= 5, { timeout: 10_000, interval: 5 });
      release();
      expect((await answer).status).toBe(200);
      await vi.waitUntil(() => slowLines.length > 0, { timeout: 10_000 });
      expect(slowLines[0]).toMatchObject({ level: 40, msg: 'request completed', slow: true, req: { url: '/waits' }, res: { statusCode: 200 } });
      expect(slowLines[0]!.responseTime).toBeGreaterThanOrEqual(1);
      // Both waits summed under one name; the handler held the request at least 5 ms there.
      expect(Object.keys(slowLines[0]!.phases as object)).toEqual(['gate']);
      expect((slowLines[0]!.phases as { gate: number }).gate).toBeGreaterThanOrEqual(5);
    } finally {
      server.close();
    }
  });
});
