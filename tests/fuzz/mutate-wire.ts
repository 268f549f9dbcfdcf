/**
 * Mutations of the bytes and headers rather than the values: wrong media types, broken encodings
 * (a body labelled gzip that isn't, invalid UTF-8, truncated or trailing JSON, deep nesting),
 * oversize URLs, headers and bodies. A GET gets a body too: a body nobody asked for must not
 * produce an answer the document doesn't list.
 */
import fc from 'fast-check';
import type { Operation } from './document';
import { bodyText, toJson, type Draft, type WireTweaks } from './request';

interface Mutation {
  draft: Draft;
  tweaks: WireTweaks;
  note: string;
}

const text = (d: Draft): string => (d.body ? bodyText(d.body) : '{"unasked":true}');
const isJson = (op: Operation): boolean => Object.keys(op.body ?? {}).some((m) => m.includes('json'));

function form(d: Draft): string {
  const v = d.body?.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `value=${encodeURIComponent(text(d))}`;
  return Object.entries(v).map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof x === 'string' ? x : toJson(x))}`).join('&');
}

function multipart(d: Draft): string {
  const v = d.body?.value;
  const fields = v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : [['value', text(d)]];
  return fields.map(([k, x]) => `--zz\r\nContent-Disposition: form-data; name="${String(k)}"\r\n\r\n${typeof x === 'string' ? x : toJson(x)}\r\n`).join('') + '--zz--\r\n';
}

export function wrongMediaType(op: Operation, d: Draft): fc.Arbitrary<Mutation> {
  const t = text(d);
  const csvRoute = !isJson(op) && op.body !== undefined;
  const cases: [string | null, string][] = [
    ['text/plain', t],
    ['application/x-www-form-urlencoded', form(d)],
    ['multipart/form-data; boundary=zz', multipart(d)],
    [null, t],
    ['application/xml', '<need><kind>gas</kind></need>'],
    ['application/merge-patch+json', t],
    ['application/json; charset=utf-16', t],
    ['application/json; charset=latin1', t],
    ['APPLICATION/JSON', t],
    ['application/octet-stream', t],
    csvRoute ? ['application/json', toJson({ csv: t })] : ['text/csv', 'household_id,kind\nx,gas\n'],
  ];
  return fc.constantFrom(...cases).map(([ct, body]) => ({ draft: d, tweaks: { contentType: ct, rawBody: Buffer.from(body) }, note: `Content-Type: ${ct ?? '(none)'}` }));
}

export function badEncoding(op: Operation, d: Draft): fc.Arbitrary<Mutation> {
  const t = text(d);
  const media = d.body?.media ?? 'application/json';
  const withBytes = (bytes: number[]): Buffer => {
    // Invalid UTF-8 inside the first string value (or at the start when there is none).
    const at = t.indexOf('"') + 1;
    return Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.from(bytes), Buffer.from(t.slice(at))]);
  };
  const cases: [string, WireTweaks][] = [
    ['Content-Encoding: gzip on a plain body', { contentEncoding: 'gzip' }],
    ['Content-Encoding: deflate on a plain body', { contentEncoding: 'deflate' }],
    ['Content-Encoding: br on a plain body', { contentEncoding: 'br' }],
    ['Content-Encoding: compress', { contentEncoding: 'compress' }],
    ['Content-Encoding: gzip, identity', { contentEncoding: 'gzip, identity' }],
    ['invalid UTF-8 byte 0xFF', { rawBody: withBytes([0xff]) }],
    ['invalid UTF-8 sequence C3 28', { rawBody: withBytes([0xc3, 0x28]) }],
    ['UTF-8-encoded surrogate ED A0 80', { rawBody: withBytes([0xed, 0xa0, 0x80]) }],
    ['UTF-8 BOM before the JSON', { rawBody: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]) }],
    ['UTF-16LE body', { rawBody: Buffer.from(t, 'utf16le') }],
    ['truncated body', { rawBody: Buffer.from(t.slice(0, Math.max(1, Math.floor(t.length / 2)))) }],
    ['trailing garbage', { rawBody: Buffer.from(`${t}}{`) }],
    ['array nested 20,000 deep', { rawBody: Buffer.from('['.repeat(20_000) + ']'.repeat(20_000)) }],
    ['duplicate keys', { rawBody: Buffer.from(t.startsWith('{') && t.length > 2 ? `{"kind":"gas","kind":"medicine",${t.slice(1)}` : t) }],
    ['JSON null', { rawBody: Buffer.from('null') }],
    ['JSON array', { rawBody: Buffer.from('[]') }],
    ['JSON string', { rawBody: Buffer.from('"zqjsonstring1"') }],
    ['empty body', { rawBody: Buffer.alloc(0) }],
  ];
  return fc.constantFrom(...cases).map(([note, tweaks]) => ({
    draft: d,
    tweaks: { contentType: media, rawBody: Buffer.from(t), ...tweaks },
    note: op.body ? note : `${note} (on an operation without a body)`,
  }));
}

export function oversize(op: Operation, d: Draft): fc.Arbitrary<Mutation> {
  const t = text(d);
  const pad = (n: number) => (t.endsWith('}') ? `${t.slice(0, -1)}${' '.repeat(n)}}` : t + ' '.repeat(n));
  const cases: [string, WireTweaks, Draft?][] = [
    ['URL of 20 KB', { querySuffix: `pad=${'a'.repeat(20_000)}` }],
    ['1,500 query parameters', { querySuffix: Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&') }],
    ['header of 20 KB', {}, { ...d, headers: { ...d.headers, 'x-pad': 'a'.repeat(20_000) } }],
  ];
  if (op.body) {
    const media = d.body?.media ?? Object.keys(op.body)[0] ?? 'application/json';
    const big = media.includes('json') ? 70 * 1024 : 2 * 1024 * 1024 + 1024;
    cases.push([`body of ${Math.round(big / 1024)} KB (valid, padded with whitespace)`, { contentType: media, rawBody: Buffer.from(pad(big)) }]);
  }
  return fc.constantFrom(...cases).map(([note, tweaks, draft]) => ({ draft: draft ?? d, tweaks, note }));
}
