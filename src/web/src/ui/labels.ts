/**
 * Names for the codes the API answers with: items (a translation for the demo catalogue's codes,
 * else the catalogue's own name), need and stop statuses, unserved and failure reasons. A code with
 * no name at all is shown as it is rather than hidden: better a code than a blank.
 */
import { api } from '../api';
import { codeText, lang, t } from '../i18n';
import { useLoad } from './hooks';

export interface CatalogueItem { code: string; name: string }
export type Catalogue = Map<string, string>;

let catalogue: Promise<Catalogue> | null = null;
/** The stock catalogue's names by code (GET /api/stock/items, staff roles), loaded once per page load; empty for other roles. */
export function useCatalogue(enabled = true): Catalogue {
  const loaded = useLoad(enabled ? 'catalogue' : null, () =>
    (catalogue ??= api<{ items: CatalogueItem[] }>('/api/stock/items').then((r) => new Map(r.items.map((i) => [i.code, i.name])), () => ((catalogue = null), new Map()))),
  );
  return loaded.data ?? new Map();
}

/** An item or need kind in the reader's language. */
export const itemLabel = (code: string, names?: Catalogue): string => codeText(['kind_', 'item_'], code) ?? names?.get(code) ?? code;

/** A reason (stop failure, unserved, need failure) in the reader's language; free text stays as written. */
export const reasonLabel = (code: string): string => codeText(['reason_', 'unserved_'], code) ?? code;

/** A stop's status (pending, loaded, arrived, delivered, failed). */
export const stopStatusLabel = (code: string): string => codeText(['stop_'], code) ?? code;

/** A date and time in the reader's language, e.g. "3 Dec, 14:30" / "12月3日 14:30". */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(t('locale'), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Clock time of a plan time (seconds from the shift's start, which begins `shiftStartMin` minutes after midnight). */
export const clock = (shiftStartMin: number, s: number): string => {
  // A moment seen live may fall before the shift (or after midnight): wrap to the day's clock.
  const m = ((Math.round(shiftStartMin + s / 60) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** A time of day, e.g. "14:30". */
/** A clock time in the reader's language; in `timeZone` when given (a roster's zone), else the device's. */
export const timeOfDay = (iso: string, timeZone?: string): string =>
  new Date(iso).toLocaleTimeString(t('locale'), { hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}) });

/** A day range in the reader's language: "1–3 Dec" / "12月1日至3日". `end` is exclusive; cycles are whole UTC days. */
export function dayRange(start: Date, endExclusive: Date): string {
  const last = new Date(endExclusive.getTime() - 86_400_000);
  const one = last.getTime() <= start.getTime();
  if (lang() === 'zh-CN') {
    // ICU writes "12/1 – 12/3"; people write 12月1日–3日.
    const day = (d: Date, month: boolean) => `${month ? `${d.getUTCMonth() + 1}月` : ''}${d.getUTCDate()}日`;
    return one ? day(start, true) : `${day(start, true)}–${day(last, last.getUTCMonth() !== start.getUTCMonth())}`;
  }
  const f = new Intl.DateTimeFormat(t('locale'), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return one ? f.format(start) : f.formatRange(start, last).replace(' – ', '–');
}

/** A food cycle as dates: `2026-12-01/P3D` reads "1–3 Dec"; anything else stays as it is. */
export function cycleLabel(id: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})\/P(\d+)D$/.exec(id);
  if (!m) return id;
  const start = new Date(`${m[1]}T00:00:00Z`);
  return dayRange(start, new Date(start.getTime() + Number(m[2]) * 86_400_000));
}
