/**
 * Reads the `Idempotency-Key` header and fingerprints the request (method, path, canonical body),
 * so a retry can be told apart from a different request reusing the key.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { idempotencyKeyHeader } from '../contracts/intake.contract';
import type { Idempotency } from '../services/shared/idempotency';
import { AppError } from '../shared/errors';

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function idempotencyOf(req: Request, body: unknown): Idempotency | undefined {
  const raw = req.get('idempotency-key');
  if (raw === undefined) return undefined;
  if (!idempotencyKeyHeader.safeParse(raw).success) {
    throw new AppError('validation', 'invalid Idempotency-Key header', {
      errors: [{ path: ['Idempotency-Key'], message: 'expected 8-128 characters of A-Z a-z 0-9 _ . : -', in: 'header' }],
    });
  }
  const fingerprint = `${req.method} ${req.baseUrl}${req.path}\n${typeof body === 'string' ? body : canonicalJson(body)}`;
  return { key: raw, requestHash: createHash('sha256').update(fingerprint).digest('base64url') };
}
