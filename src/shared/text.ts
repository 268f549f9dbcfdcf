/**
 * The one rule for text Cordon takes in (applied at the HTTP edge by src/http/text-guard.ts and per
 * cell by the CSV imports): no NUL character and no unpaired UTF-16 surrogate. PostgreSQL refuses
 * NUL in text and jsonb and unpaired surrogates in jsonb, and `pg` silently turns a lone surrogate
 * in text into U+FFFD; neither is something a person typed, so such text is refused, naming the
 * field, never stripped or repaired behind the caller's back.
 */

/** True when `s` can be stored and shown as it is. */
export const isCleanText = (s: string): boolean => s.isWellFormed() && !s.includes('\u0000');

export const UNCLEAN_TEXT_MESSAGE = 'contains a NUL character or an unpaired UTF-16 surrogate';
