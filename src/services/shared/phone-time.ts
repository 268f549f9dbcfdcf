/**
 * Times reported by a phone (a report queued offline is sent later, with the time it was made).
 * A phone's clock may run ahead a little; a time from further in the future is refused.
 */
import { AppError } from '../../shared/errors';

export const MAX_CLOCK_AHEAD_MS = 10 * 60_000;

/** `given` as a Date (now when absent); a `validation` error naming `field` when it is too far ahead of `now`. */
export function phoneTime(now: Date, given: string | undefined, field: string): Date {
  if (given === undefined) return now;
  const at = new Date(given);
  if (at.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) throw new AppError('validation', `invalid body: ${field}`, { errors: [{ path: [field], message: 'in the future', in: 'body' }] });
  return at;
}
