/** The desk's views: the desk itself (map, round, proposal), the list of rounds, the district at a glance. */
import { t } from '../../i18n';

export type DeskView = 'desk' | 'rounds' | 'glance';
const VIEWS: { view: DeskView; label: 'deskView' | 'roundsList' | 'glance' }[] = [
  { view: 'desk', label: 'deskView' },
  { view: 'rounds', label: 'roundsList' },
  { view: 'glance', label: 'glance' },
];

export function DeskViews({ view, onView }: { view: DeskView; onView: (v: DeskView) => void }) {
  return (
    <nav class="tabs view-switch wide" aria-label={t('deskViews')}>
      {VIEWS.map((v) => (
        <button key={v.view} type="button" class={view === v.view ? 'tab active' : 'tab'} aria-pressed={view === v.view} data-view={v.view} onClick={() => onView(v.view)}>
          {t(v.label)}
        </button>
      ))}
    </nav>
  );
}
