import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonicalJson } from '../../src/http/idempotency-key';
import { toAppError } from '../../src/http/problem';
import { fieldErrors } from '../../src/http/validate';
import { columnOfField, csvValue, fieldOfColumn } from '../../src/services/needs-import.columns';
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
