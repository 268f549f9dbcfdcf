/**
 * When a trip leaves the depot. The API gives `departS`, seconds from the round's start (a van's
 * trip 2 leaves once trip 1 is back and reloaded), and no clock time for that start: so the time is
 * shown as an offset, "+2 h 10 min", with a machine-readable duration for assistive technology.
 */
import { t } from '../i18n';

/** `verb` (default true) reads "leaves +2 h 10 min"; false gives the bare time, under a "Leaves" column header. */
export function DepartTime({ departS, verb = true }: { departS: number; verb?: boolean }) {
  const total = Math.max(0, Math.round(departS / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  const offset = total === 0 ? t('departAtStart') : h > 0 ? t('departOffsetHm', { h, m }) : t('departOffsetM', { m });
  return <time dateTime={`PT${h}H${m}M`}>{verb ? t('departs', { time: offset }) : offset}</time>;
}
