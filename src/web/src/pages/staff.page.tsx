/**
 * Community staff: medical pass applications to review (approve, refuse with a reason, issue),
 * passes out and overdue, stock per depot, shortfalls for the next round, open purchase orders.
 * Pass changes arrive live in the community scope.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { useLive } from '../live';
import type { Me } from '../session';
import { Field, FormError, fieldError } from '../ui/form';
import { useLoad } from '../ui/hooks';
import { dateTime, useCatalogue } from '../ui/labels';
import { BalancesTable, OrdersTable, ShortfallTable, type Balance, type Order, type ShortItem, type ShortLine } from '../ui/stock-tables';
import type { PassRow } from './resident.page';
import { Glance } from './glance/glance';
import { NoticeSettings } from '../ui/notice-settings';

type StaffPass = PassRow & { householdId: string; reason?: string };
const WAITING = ['applied', 'under_review', 'approved'];
const OUT = ['issued', 'outbound_done', 'at_hospital', 'return_done', 'overdue'];

/** The applications to decide and the passes out, in one read of the community's list. */
async function communityPasses(communityId: string): Promise<StaffPass[]> {
  const { passes } = await api<{ passes: StaffPass[] }>(`/api/communities/${communityId}/passes?status=${[...WAITING, ...OUT].join(',')}`);
  return passes;
}

function PassReview({ pass, onDone }: { pass: StaffPass; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const id = `refuse-${pass.id}`;
  async function act(action: string, body?: unknown) {
    try {
      if (pass.status === 'applied' && (action === 'approve' || action === 'refuse')) await api(`/api/passes/${pass.id}/review`, { method: 'POST' });
      await api(`/api/passes/${pass.id}/${action}`, { method: 'POST', body });
      setError(null);
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <li class="pass" data-testid="pass-application">
      <p class="row">
        <span>
          {pass.person} · {dateTime(pass.appointmentAt)}
        </span>
        <strong>{t(`pass_${pass.status}` as MessageKey)}</strong>
      </p>
      {pass.reason && <p class="muted">{pass.reason}</p>}
      <div class="actions">
        {pass.status === 'approved' ? (
          <button type="button" onClick={() => void act('issue')}>
            {t('issue')}
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void act('approve')}>
              {t('approve')}
            </button>
            <Field id={id} label={t('reason')} error={fieldError(error, 'reason')}>
              <input id={id} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </Field>
            <button type="button" class="danger" onClick={() => void act('refuse', reason.trim() ? { reason } : {})}>
              {t('refuse')}
            </button>
          </>
        )}
      </div>
      <FormError error={error} />
    </li>
  );
}

export function StaffPage({ me }: { me: Me }) {
  const communityId = me.communityIds[0] ?? null;
  const passes = useLoad(communityId, () => communityPasses(communityId as string));
  const balances = useLoad('balances', () => api<{ balances: Balance[] }>('/api/stock/balances'));
  const shortfall = useLoad(communityId ? `shortfall-${communityId}` : null, () => api<{ shortfall: { items: ShortItem[]; lines: ShortLine[]; untracked: unknown[] } }>(`/api/stock/shortfall?areaId=${communityId}`));
  const orders = useLoad('orders', () => api<{ orders: Order[] }>('/api/procurement/orders'));
  useLive(communityId ? [`community:${communityId}`] : [], (event) => {
    if (!event || event.type === 'pass.state' || event.type === 'alert.raised') passes.reload();
  });
  const list = passes.data ?? [];
  const short = shortfall.data?.shortfall;
  const names = useCatalogue();

  return (
    <div class="page">
      <section class="card">
        <h1>{t('passApplications')}</h1>
        {passes.loading && !passes.data && <progress aria-label={t('loading')} />}
        <ul class="list">
          {list.filter((p) => WAITING.includes(p.status)).map((p) => (
            <PassReview key={p.id} pass={p} onDone={passes.reload} />
          ))}
        </ul>
        {passes.data && !list.some((p) => WAITING.includes(p.status)) && <p class="muted">{t('noApplications')}</p>}
      </section>
      <section class="card">
        <h2>{t('passesOut')}</h2>
        <ul class="list">
          {list.filter((p) => OUT.includes(p.status)).map((p) => (
            <li key={p.id} class="row">
              <span>{p.person}</span>
              <strong class={p.status === 'overdue' ? 'status status-failed' : 'status'}>{t(`pass_${p.status}` as MessageKey)}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('stock')}</h2>
        <BalancesTable rows={balances.data?.balances ?? []} names={names} />
      </section>
      <section class="card">
        <h2>{t('shortfall')}</h2>
        <ShortfallTable items={short?.items ?? []} lines={short?.lines ?? []} names={names} />
        {short && short.untracked.length > 0 && <p class="muted">{t('untracked', { n: short.untracked.length })}</p>}
      </section>
      <section class="card wide">
        <h2>{t('orders')}</h2>
        <OrdersTable rows={orders.data?.orders ?? []} />
      </section>
      <div class="wide">
        <Glance scopes={me.communityIds.map((id) => `community:${id}`)} {...(me.communityIds.length === 1 ? { areaId: me.communityIds[0] } : {})} />
      </div>
      <section class="card"><NoticeSettings /></section>
    </div>
  );
}
