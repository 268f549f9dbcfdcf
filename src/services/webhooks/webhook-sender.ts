/**
 * One HTTP attempt of one delivery: POST the signed body, wait at most `timeoutMs` for the whole
 * answer, follow no redirect (a 3xx is a failure like any non-2xx: a redirect could lead anywhere),
 * read and drop at most a few KiB of the answer (its content is the receiver's, never stored).
 * The host is checked again here (see webhook-target.ts); nothing is ever thrown: the outcome is data.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkLiteralAddress, guardedLookup, isAllowedHost, type AllowedHost } from './webhook-target';

export interface SendInput {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowHosts: readonly AllowedHost[];
}

/** Any POST through the same guards: the notices' SMS gateway and web push (a binary body, their own content type). */
export interface GuardedPost extends Omit<SendInput, 'body'> {
  body: string | Buffer;
}

export interface SendOutcome {
  ok: boolean;
  /** null: no HTTP answer (refused, timed out, blocked address). */
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed, short and free of the receiver's content. null when ok. */
  error: string | null;
}

const MAX_READ = 8 * 1024;

export function sendWebhook(input: SendInput): Promise<SendOutcome> {
  return sendGuarded(input);
}

/** `headers` may replace the JSON content type and the user agent. */
export function sendGuarded(input: GuardedPost): Promise<SendOutcome> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendOutcome => ({
    ok: error === null,
    statusCode,
    latencyMs: Math.round(performance.now() - started),
    error,
  });
  let url: URL;
  try {
    url = new URL(input.url);
    checkLiteralAddress(url, input.allowHosts);
  } catch (err) {
    return Promise.resolve(done(null, (err as Error).message));
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(url, {
      method: 'POST',
      // One connection per attempt: no pooled socket outlives the check of its address.
      agent: false,
      ...(isAllowedHost(url, input.allowHosts) ? {} : { lookup: guardedLookup }),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Cordon-Webhooks/1',
        ...input.headers,
        'content-length': String(Buffer.byteLength(input.body)),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(done(null, `no answer within ${input.timeoutMs} ms`));
    }, input.timeoutMs);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_READ) res.destroy();
      });
      const end = () => finish(done(status, status >= 200 && status < 300 ? null : `HTTP ${status}`));
      res.on('end', end);
      res.on('close', end);
      res.on('error', end);
    });
    req.on('error', (err: Error & { code?: string }) => finish(done(null, err.code && err.code !== 'EWEBHOOKBLOCKED' ? `${err.code}: ${err.message}`.slice(0, 300) : err.message.slice(0, 300))));
    req.end(input.body);
  });
}
