/**
 * The hostile values the mutations draw from: text PostgreSQL or JSON refuses (NUL, unpaired
 * surrogates), text that is legal but tricky (emoji sequences, RTL overrides, combining marks,
 * line separators), 100 KB strings, numbers at the edges of IEEE 754 and of int4/int8, and dates
 * at the edges of what JavaScript, ISO 8601 and PostgreSQL accept.
 */
import fc from 'fast-check';

/** A JSON number written exactly as given (`1e400`, 30 digits): JSON.stringify cannot produce these. */
export class RawJson {
  constructor(readonly text: string) {}
}

const KB = 1024;
/** What PostgreSQL refuses in text and jsonb: NUL anywhere, unpaired surrogates (the known 500s). */
const REFUSED_BY_PG = ['nul\u0000inside', '\u0000', 'ends with nul\u0000', 'lone high \uD800 surrogate', 'lone low \uDC00 surrogate', '\uDBFF', 'cut emoji \uD83D'];
const TEXT = [
  'family \u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}', 'flags \u{1F1E8}\u{1F1F3}\u{1F1EB}\u{1F1F7}', 'skin \u{1F44D}\u{1F3FD}',
  'rtl \u202Eevil\u202C override', 'mixed \u05E2\u05D1\u05E8\u05D9\u05EA \u0639\u0631\u0628\u064A', 'zero\u200Bwidth\u200D\uFEFFjoin',
  'combining e\u0301\u0301\u0301\u0301', 'line\u2028sep\u2029para', 'crlf\r\nX-Injected: 1', 'tab\tvt\u000Bff\u000C', '\uFFFE\uFFFF noncharacters',
  "quote ' \" \\ ` ; drop table needs; --", '%00%0d%0a%2e%2e%2f', '../../etc/passwd', '<script>alert(1)</script>', '{{7*7}} ${7*7}',
  ' ', '', '   leading and trailing   ', 'NaN', 'null', 'undefined', '-1', '1e309', '__proto__', 'constructor',
];

/** Long strings: over the JSON body limit (413 expected), and just under it (reaches validation). */
const LONG = [
  () => 'x'.repeat(100 * KB),
  () => '\u{1F600}'.repeat(25 * KB),
  () => 'a'.repeat(30 * KB),
  () => 'é'.repeat(20 * KB) + '\uD83D',
  () => 'nul'.repeat(10 * KB) + '\u0000',
];

/** A unique tag, so an echo of this very value is recognised in an answer. */
const tag = fc.stringMatching(/^[a-z]{3}[0-9]{3}$/).map((t) => `zq${t}`);

const someText = fc.oneof({ arbitrary: fc.constantFrom(...REFUSED_BY_PG), weight: 1 }, { arbitrary: fc.constantFrom(...TEXT), weight: 1 });
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: someText, weight: 4 },
  { arbitrary: fc.tuple(someText, tag).map(([t, g]) => `${g} ${t} ${g}`), weight: 4 },
  { arbitrary: fc.constantFrom(...LONG).map((f) => f()), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), weight: 2 },
);

/** Huge magnitudes: what a loop over a user-given range, or an allocation sized by one, chokes on. */
const HUGE: unknown[] = [
  1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e9, -1e9, 1e15,
  new RawJson('1e400'), new RawJson('-1e400'), new RawJson('123456789012345678901234567890'),
];
/** Edges of int4, signs, fractions where integers are due, odd spellings of ordinary numbers. */
const EDGES: unknown[] = [
  Number.MIN_VALUE, -0, 0, -1, 0.5, 1.0000001, 1e-7, 2 ** 31, 2 ** 31 - 1, -(2 ** 31),
  new RawJson('1E+2'), new RawJson('-0.0'), new RawJson('0.00000000000000000000000000000001'),
];
export const extremeNumber: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: fc.constantFrom(...HUGE), weight: 2 }, { arbitrary: fc.constantFrom(...EDGES), weight: 1 });

/** The same edges as query-string text. */
export const extremeNumberText: fc.Arbitrary<string> = fc.constantFrom(
  '1e308', '-1e308', '1e400', '-1', '0', '-0', '1.5', 'Infinity', 'NaN', '0x10', '1e3', '99999999999999999999999', ' 5', '5 ', '+5', '', '2147483648',
);

const DATE_TIMES = [
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-13-01T00:00:00Z', '2026-06-30T23:59:60Z', '2026-01-01T24:00:00Z',
  '2099-01-01T00:00:00+14:00', '2026-01-01T00:00:00-12:00', '2026-01-01T00:00:00', '2026-01-01T00:00:00.123456789Z', '1900-01-01T00:00:00Z',
];
const DATES = ['0000-01-01', '9999-12-31', '2026-02-29', '2028-02-29', '1900-01-01', '2026-00-10', '20260101', '2026-1-1', '+275760-09-13', '4712-01-01'];
export const extremeDateTime = fc.constantFrom(...DATE_TIMES);
export const extremeDate = fc.constantFrom(...DATES);
/** Either kind, for a value whose format the mutation does not know. */
export const extremeAnyDate = fc.constantFrom(...DATE_TIMES, ...DATES);

/** Values of every JSON type, for "wrong type" mutations (the mutation keeps one of another type). */
export const ANY_TYPE: unknown[] = [0, -1, 1.5, true, false, null, [], {}, 'x', '1', ['a'], { a: 1 }, [null], ''];
export const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof RawJson ? 'number' : typeof v);

/** A label for a hostile value, for notes and findings (never the value: it may look medical). */
export function describeValue(v: unknown): string {
  if (v instanceof RawJson) return `literal ${v.text.length > 12 ? `${v.text.slice(0, 6)}...` : v.text}`;
  if (typeof v !== 'string') return JSON.stringify(v) ?? String(v);
  const traits: string[] = [];
  if (v.includes('\u0000')) traits.push('NUL');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)) traits.push('unpaired surrogate');
  if (/\p{Extended_Pictographic}/u.test(v)) traits.push('emoji');
  if (/[\u202A-\u202E\u2066-\u2069]/.test(v)) traits.push('bidi override');
  if (/[\u0590-\u08FF]/.test(v)) traits.push('RTL script');
  if (/[\r\n\u2028\u2029]/.test(v)) traits.push('line breaks');
  if (/[\u200B-\u200D\uFEFF]/.test(v)) traits.push('zero-width');
  if (/[\uFFFE\uFFFF]/.test(v)) traits.push('noncharacter');
  if (/\p{M}{2,}/u.test(v)) traits.push('stacked combining marks');
  if (v.trim() === '' ) traits.push(v === '' ? 'empty' : 'blank');
  if (/[<>'"`;{}$%]/.test(v)) traits.push('markup/injection characters');
  return `text (${v.length} units${traits.length ? `, ${traits.join(', ')}` : ''})`;
}
