/**
 * When deliveries can be handed over at a corridor gate, and by when medicine due today must be
 * there. Times of day are minutes from midnight; a round's plan counts seconds from the start of its
 * shift, which begins at ROUND_SHIFT_START_MIN. A deadline that is not met is reported, never a
 * reason to lose the need.
 */

/** A gate's receiving hours (the unit chief is at the gate 08:00-11:00, say); null: any time. */
export interface GateHours {
  fromMin: number | null;
  untilMin: number | null;
}

/** Rounds start their shift at 08:00: a planned time of 0 s is 08:00. */
export const ROUND_SHIFT_START_MIN = 8 * 60;

/** A round's shift lasts eight hours (a vehicle is planned for all of it). */
export const ROUND_SHIFT_MIN = 8 * 60;

/** Medicine due today (and emergency medicine on a planned round) is at its gate by 12:00. */
export const DUE_TODAY_BY_MIN = 12 * 60;

/** `HH:MM` (24 h) for minutes from midnight. */
export const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** Minutes from midnight of an `HH:MM` time, or undefined when it is not one. */
export function parseHhmm(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Seconds from the round's start of a time of day. */
export const roundSecondsAt = (min: number): number => (min - ROUND_SHIFT_START_MIN) * 60;
