/**
 * Just enough PDF reading for tests: the text shown with Tj/TJ in every content stream (deflated
 * ones inflated), hex strings decoded as Latin-1. Right for the standard 14 fonts (Courier: the
 * account sheet's usernames and passwords); an embedded CJK font's glyph ids come out as noise.
 */
import { inflateSync } from 'node:zlib';

function streams(pdf: Buffer): string[] {
  const out: string[] = [];
  const text = pdf.toString('latin1');
  for (let at = text.indexOf('stream'); at !== -1; at = text.indexOf('stream', at + 6)) {
    if (text.slice(at - 3, at) === 'end') continue;
    const start = at + 6 + (text[at + 6] === '\r' ? 2 : 1);
    const end = text.indexOf('endstream', start);
    if (end === -1) break;
    const raw = pdf.subarray(start, end);
    try {
      out.push(inflateSync(raw).toString('latin1'));
    } catch {
      out.push(raw.toString('latin1'));
    }
    at = end;
  }
  return out;
}

const hex = (h: string): string => Buffer.from(h.replace(/\s/g, ''), 'hex').toString('latin1');

/** Each text-showing operation's string, in order. */
export function pdfTextRuns(pdf: Buffer): string[] {
  const runs: string[] = [];
  for (const s of streams(pdf)) {
    for (const m of s.matchAll(/\[((?:<[0-9a-fA-F\s]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F\s]*)>\s*Tj/g)) {
      if (m[2] !== undefined) runs.push(hex(m[2]));
      else runs.push([...(m[1] ?? '').matchAll(/<([0-9a-fA-F\s]*)>/g)].map((p) => hex(p[1] ?? '')).join(''));
    }
  }
  return runs;
}
