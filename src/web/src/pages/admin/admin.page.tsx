/**
 * The administrator (issue #15): the dispatch desk, which admins also run, and the district's
 * administration, in the order a district office works on its first night: files in (grid,
 * register, fleet), the grid with its risk map, accounts in bulk, files out. The outbound webhooks
 * (issue #19) have a view of their own; an endpoint switched off is alerted above every view.
 */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { useLoad } from '../../ui/hooks';
import { useRiskSettings } from '../../ui/risk-badge';
import { DispatcherPage } from '../dispatcher.page';
import { AreaDetail } from './area-detail';
import { AreaTree, loadDistricts, type AreaRow } from './area-tree';
import { BulkAccounts } from './bulk-accounts';
import { Exports } from './exports';
import { TableImport } from './table-import';
import { WebhookAlert } from './webhook-alert';
import { Webhooks } from './webhooks';

type View = 'admin' | 'webhooks' | 'desk';
const VIEWS: View[] = ['admin', 'webhooks', 'desk'];
const VIEW_TITLES = { admin: 'adminTitle', webhooks: 'whTab', desk: 'dispatchDesk' } as const satisfies Record<View, string>;

function Administration() {
  const risk = useRiskSettings();
  const [version, setVersion] = useState(0);
  const districts = useLoad(`districts:${version}`, loadDistricts);
  const [selected, setSelected] = useState<AreaRow | null>(null);
  const changed = (area?: AreaRow) => {
    if (area) setSelected(area);
    setVersion((v) => v + 1);
  };
  return (
    <div class="page admin-page">
      <section class="card">
        <TableImport onImported={(kind) => kind === 'grid' && changed()} />
      </section>
      <section class="card" aria-labelledby="exports-title">
        <Exports />
      </section>
      <section class="card wide" aria-labelledby="grid-title">
        <h2 id="grid-title">{t('gridTitle')}</h2>
        <div class="grid-admin">
          <AreaTree districts={districts.data ?? []} selectedId={selected?.id ?? null} onSelect={setSelected} version={version} risk={risk} />
          {selected ? <AreaDetail areaId={selected.id} version={version} onChanged={changed} /> : <p class="muted">{t('gridPick')}</p>}
        </div>
      </section>
      <section class="card wide" aria-labelledby="bulk-title">
        <h2 id="bulk-title">{t('bulkAccounts')}</h2>
        <BulkAccounts area={selected} />
      </section>
    </div>
  );
}

export function AdminPage() {
  const [view, setView] = useState<View>('admin');
  // Bumped by a change on the webhooks view or an endpoint switched off live: both the view and the alert read again.
  const [webhooks, setWebhooks] = useState(0);
  const webhooksChanged = () => setWebhooks((n) => n + 1);
  return (
    <>
      <nav class="tabs view-switch" aria-label={t('adminViews')}>
        {VIEWS.map((v) => (
          <button key={v} type="button" class={v === view ? 'tab active' : 'tab'} aria-pressed={v === view} onClick={() => setView(v)}>
            {t(VIEW_TITLES[v])}
          </button>
        ))}
      </nav>
      <WebhookAlert admin={{ version: webhooks, onOpen: () => setView('webhooks'), onChanged: webhooksChanged }} />
      {view === 'admin' && (
        <>
          <h1>{t('adminTitle')}</h1>
          <Administration />
        </>
      )}
      {view === 'webhooks' && (
        <>
          <h1>{t('whTab')}</h1>
          <Webhooks version={webhooks} onChanged={webhooksChanged} />
        </>
      )}
      {view === 'desk' && <DispatcherPage />}
    </>
  );
}
