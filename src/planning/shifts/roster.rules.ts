/**
 * Whether a driver may take one more shift (issue #18, item 3). A roster keeps, per driver:
 *
 * - `roster:overlap`: no two shifts at once;
 * - `roster:duty-hours`: the shifts starting on one date add up to at most the daily duty limit, and
 *   so does an unbroken duty (shifts that touch: the driver continues over the shift change);
 * - `roster:rest`: between two duties that do not touch, at least the minimum rest.
 *
 * Times in milliseconds (instants), dates as the local `YYYY-MM-DD` each shift starts on.
 */
import type { DriverLimits } from '../../domain/shifts';

export interface RosterShift {
  start: number;
  end: number;
  date: string;
}

export interface RosterBreak {
  rule: 'roster:overlap' | 'roster:duty-hours' | 'roster:rest';
  message: string;
}

const MIN = 60_000;

/** The first rule the driver's shifts break once `added` joins `existing` (null: none). */
export function rosterBreak(existing: readonly RosterShift[], added: RosterShift, limits: Pick<DriverLimits, 'maxDutyMin' | 'minRestMin'>): RosterBreak | null {
  const clash = existing.find((s) => s.start < added.end && added.start < s.end);
  if (clash) return { rule: 'roster:overlap', message: `already on a shift from ${new Date(clash.start).toISOString()} to ${new Date(clash.end).toISOString()}` };
  const all = [...existing, added].sort((a, b) => a.start - b.start);
  const sameDay = all.filter((s) => s.date === added.date).reduce((sum, s) => sum + s.end - s.start, 0);
  if (sameDay > limits.maxDutyMin * MIN) return { rule: 'roster:duty-hours', message: `${fmtH(sameDay)} on shift on ${added.date}, more than the ${fmtH(limits.maxDutyMin * MIN)} a day allowed` };
  const duties: { start: number; end: number }[] = [];
  for (const s of all) {
    const last = duties.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else duties.push({ start: s.start, end: s.end });
  }
  const long = duties.find((d) => d.end - d.start > limits.maxDutyMin * MIN);
  if (long) return { rule: 'roster:duty-hours', message: `${fmtH(long.end - long.start)} on shift without a break, more than the ${fmtH(limits.maxDutyMin * MIN)} allowed` };
  for (let i = 1; i < duties.length; i++) {
    const rest = duties[i]!.start - duties[i - 1]!.end;
    if (rest < limits.minRestMin * MIN) return { rule: 'roster:rest', message: `only ${fmtH(rest)} of rest between shifts, at least ${fmtH(limits.minRestMin * MIN)} required` };
  }
  return null;
}

const fmtH = (ms: number): string => {
  const min = Math.round(ms / MIN);
  return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
};
