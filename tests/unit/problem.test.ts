import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonicalJson } from '../../src/http/idempotency-key';
import type { Request, Response } from 'express';
import { sendProblem, toAppError } from '../../src/http/problem';
import { fieldErrors } from '../../src/http/validate';
import { columnOfField, csvValue, fieldOfColumn } from '../../src/services/needs/needs-import.columns';
import { AppError, ERROR_CODES } from '../../src/shared/errors';

describe('errors to problem documents', () => {
  it('every code has a 4xx/5xx status and a title', () => {
    for (const [code, { status, title }] of Object.entries(ERROR_CODES)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(title.length, code).toBeGreaterThan(0);
    }
  });

  it('maps body-parser failures by their type', () => {
    expect(toAppError(Object.assign(new Error('x'), { type: 'entity.too.large' })).status).toBe(413);
    expect(toAppError(Object.assign(new Error('x'), { type: 'entity.parse.failed' })).status).toBe(400);
    expect(toAppError(Object.assign(new Error('x'), { type: 'charset.unsupported' })).status).toBe(415);
    expect(toAppError(new Error('boom')).status).toBe(500);
    const own = new AppError('conflict');
    expect(toAppError(own)).toBe(own);
  });

  it('turns zod issues into field errors without the values, one per unknown key', () => {
    const schema = z.strictObject({ quantity: z.number(), drug: z.string() });
    const parsed = schema.safeParse({ quantity: 'SECRET', drug: 'x', extra: 1, other: 2 });
    expect(parsed.success).toBe(false);
    const errors = fieldErrors(parsed.error!);
    expect(errors.map((e) => e.path.join('.')).sort()).toEqual(['extra', 'other', 'quantity']);
    expect(JSON.stringify(errors)).not.toContain('SECRET');
    expect(toAppError(parsed.error).status).toBe(422);
  });
});

describe('problem documents keep their standard members', () => {
  function sent(error: AppError): Record<string, unknown> {
    let body = '';
    const res = { status: () => res, type: () => res, send: (b: string) => ((body = b), res) } as unknown as Response;
    sendProblem({ originalUrl: '/api/x?y=1' } as Request, res, error);
    return JSON.parse(body) as Record<string, unknown>;
  }

  it('a 409 whose details carry a status keeps its numeric status (it was the string "in_progress")', () => {
    const body = sent(new AppError('invalid_transition', 'no', { details: { status: 'in_progress', roundStatus: 'planning' } }));
    expect(body.status).toBe(409);
    expect(body.roundStatus).toBe('planning');
  });

  it('details never replace type, title, code, detail, instance or errors', () => {
    const details = { type: 'x', title: 'x', code: 'rice', detail: 'x', instance: 'x', errors: 'x' };
    const body = sent(new AppError('validation', 'invalid', { details, errors: [{ path: ['a'], message: 'm' }] }));
    expect(body).toMatchObject({ type: '/problems/validation', title: 'Invalid request', status: 422, code: 'validation', detail: 'invalid', instance: '/api/x', errors: [{ path: ['a'], message: 'm' }] });
  });

  it('maps database faults: connection lost 503, foreign key 422 naming the column, check 422', () => {
    expect(toAppError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })).status).toBe(503);
    expect(toAppError(new Error('Connection terminated unexpectedly')).status).toBe(503);
    const fk = toAppError(Object.assign(new Error('fk'), { code: '23503', detail: 'Key (hospital_id)=(abc) is not present in table "hospitals".' }));
    expect(fk.status).toBe(422);
    expect(fk.errors).toEqual([{ path: ['hospitalId'], message: 'no such object' }]);
    expect(JSON.stringify(fk.errors)).not.toContain('abc');
    expect(toAppError(Object.assign(new Error('check'), { code: '23514' })).status).toBe(422);
  });

  it('maps Express and body-parser client errors without a type to 400 problems', () => {
    expect(toAppError(Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400 })).code).toBe('malformed');
    expect(toAppError(Object.assign(new Error('incorrect header check'), { status: 400 })).code).toBe('malformed');
  });
});

describe('idempotency fingerprint', () => {
  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

describe('CSV columns', () => {
  it('maps columns to detail fields and back', () => {
    expect(fieldOfColumn('appointment_at')).toBe('appointmentAt');
    expect(columnOfField('prescriptionRef')).toBe('prescription_ref');
    expect(fieldOfColumn('colour')).toBeUndefined();
  });

  it('reads numbers and yes/no, leaving anything else as text for the schema to name', () => {
    expect(csvValue('quantity', '30')).toBe(30);
    expect(csvValue('quantity', 'lots')).toBe('lots');
    expect(csvValue('needsEscort', 'Yes')).toBe(true);
    expect(csvValue('needsEscort', 'no')).toBe(false);
    expect(csvValue('needsEscort', 'perhaps')).toBe('perhaps');
  });
});
