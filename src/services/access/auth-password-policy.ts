/**
 * Which new passwords are accepted, after NIST SP 800-63B (rev. 4, 2025), for passwords that are
 * the only factor: length over complexity, and a blocklist.
 *
 * - at least 15 characters (counted as Unicode code points: 15 Chinese characters are 15), at most 256;
 *   every printable character and space is allowed;
 * - no composition rules (no "one digit, one symbol"), no forced periodic change: a password is
 *   changed when its owner wants, or when an admin set it (a one-time password, changed at first login);
 * - refused: the ~49,000 most common passwords of public breach lists (zxcvbn-ts's common list),
 *   the username inside the password, and one character or a short chunk repeated, or a plain
 *   run such as `abcdefghijklmnop` / `123456789012345`.
 *
 * The check answers with field errors (never the password itself), for the form to show.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldError } from '../../shared/errors';

export const MIN_PASSWORD_LENGTH = 15;
export const MAX_PASSWORD_LENGTH = 256;

let common: ReadonlySet<string> | undefined;
/** Built on first use (~10 ms): processes that never set a password never pay for it. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** The same short chunk (1-4 characters) over and over: `aaaaaaaaaaaaaaa`, `abababab...`, `123123123...`. */
function repeated(chars: string[]): boolean {
  for (let size = 1; size <= 4; size++) {
    if (chars.every((c, i) => c === chars[i % size])) return true;
  }
  return false;
}

/** Every character one up (or one down) from the one before: `abcdef...`, `987654...`. */
function sequential(chars: string[]): boolean {
  const codes = chars.map((c) => c.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  // Digits wrap (…7890123…): a run of a keypad, not a pattern anyone else would choose.
  return codes.every((c, i) => i === 0 || c - (codes[i - 1] ?? 0) === step || (/\d/.test(chars[i] ?? '') && Math.abs(c - (codes[i - 1] ?? 0)) === 9));
}

/** Field errors at `path` for a new password, or [] when it may be used. */
export function passwordProblems(password: string, username: string | null, path: (string | number)[] = ['password']): FieldError[] {
  const chars = [...password];
  const fail = (message: string): FieldError[] => [{ path, message }];
  if (chars.length < MIN_PASSWORD_LENGTH) return fail(`at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one)`);
  if (chars.length > MAX_PASSWORD_LENGTH) return fail(`at most ${MAX_PASSWORD_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return fail('this is one of the most common passwords: choose another');
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return fail('must not contain the username');
  if (repeated(chars) || sequential(chars)) return fail('a repeated or sequential run of characters: choose another');
  return [];
}
