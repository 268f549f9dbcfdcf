/**
 * Dates and instants as the API takes them: ISO 8601 text within a sane range. zod's ISO formats
 * accept any four-digit year, and PostgreSQL refuses some (year 0000 does not exist) with an error
 * that surfaced as a 500; nothing Cordon plans lies outside these years.
 */
import { z } from 'zod';

export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

const inRange = (s: string): boolean => {
  const year = Number(s.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
};
const outOfRange = `a year from ${FIRST_YEAR} to ${LAST_YEAR}`;

/** A calendar day, `2026-12-02`. */
export const isoDate = () => z.iso.date().refine(inRange, { error: outOfRange });

/** An instant with its UTC offset, `2026-12-02T09:30:00+08:00` or `...Z`. */
export const isoDateTime = () => z.iso.datetime({ offset: true }).refine(inRange, { error: outOfRange });
