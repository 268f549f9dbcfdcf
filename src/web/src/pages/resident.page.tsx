/**
 * Resident (or a relative): request medicine, meals, gas and the rest; apply for a medical pass;
 * each request's status follows live (household scope), with its next delivery's planned time and,
 * once the van is on its way, its ETA window; an issued pass is shown as a QR code.
 */
import { useEffect } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { useLive } from '../live';
import type { Me } from '../session';
import { useLoad } from '../ui/hooks';
import { NeedForm } from '../ui/need-form';
import { NeedsList, type NeedRow } from '../ui/needs-list';
import { PassForm } from '../ui/pass-form';
import { PassCard, type PassRow } from '../ui/pass-card';
import { NoticeSettings } from '../ui/notice-settings';
import { NextDeliveries, type NextDeliveriesData } from '../ui/next-deliveries';

export type { PassRow } from '../ui/pass-card';

/**
 * Every need status change is published (need.status_changed, from whatever committed it) and pass
 * states too: the poll is only a fallback for a live connection that stays away.
 */
const POLL_MS = 60_000;

export function ResidentPage({ me }: { me: Me }) {
  const hh = me.householdId;
  const needs = useLoad(hh, () => api<{ needs: NeedRow[] }>(`/api/households/${hh}/needs`));
  const deliveries = useLoad(hh ? `deliveries-${hh}` : null, () => api<NextDeliveriesData>(`/api/households/${hh}/deliveries`));
  const passes = useLoad(hh ? `passes-${hh}` : null, () => api<{ passes: PassRow[] }>(`/api/households/${hh}/passes`));
  const hospitalList = useLoad(hh ? 'hospitals' : null, () => api<{ hospitals: { id: string; name: string }[] }>('/api/hospitals'));
  const hospitals = new Map((hospitalList.data?.hospitals ?? []).map((x) => [x.id, x.name]));
  useLive(hh ? [`household:${hh}`] : [], (event) => {
    if (!event || event.type === 'pass.state') passes.reload();
    // A need's status, or a stop at the household's gate: the list shows statuses with their history.
    if (!event || event.type === 'need.status_changed' || event.type.startsWith('stop.')) needs.reload();
    // The van left the stop before this household's (delivery.eta), or a need moved on: the next deliveries again.
    if (!event || event.type === 'delivery.eta' || event.type === 'need.status_changed' || event.type.startsWith('stop.')) deliveries.reload();
  });
  useEffect(() => {
    const timer = setInterval(() => (needs.reload(), passes.reload(), deliveries.reload()), POLL_MS);
    return () => clearInterval(timer);
  }, [needs.reload, passes.reload, deliveries.reload]);
  if (!hh) return <p class="error">—</p>;

  return (
    <div class="page">
      <section class="card">
        <h1>{t('request')}</h1>
        <NeedForm householdId={hh} onSaved={needs.reload} />
      </section>
      <section class="card" aria-labelledby="next-deliveries-title">
        <h2 id="next-deliveries-title">{t('nextDeliveries')}</h2>
        <NextDeliveries data={deliveries.data} />
      </section>
      <section class="card">
        <h2>{t('myRequests')}</h2>
        <NeedsList label={t('myRequests')} needs={needs.data?.needs ?? []} />
      </section>
      <section class="card">
        <h2>{t('applyPass')}</h2>
        <PassForm householdId={hh} onSaved={passes.reload} />
      </section>
      <section class="card">
        <h2>{t('myPasses')}</h2>
        <ul class="list" data-testid="passes">
          {(passes.data?.passes ?? []).map((p) => (
            <PassCard key={p.id} pass={p} hospital={hospitals.get(p.hospitalId ?? '')} />
          ))}
        </ul>
      </section>
      <section class="card"><NoticeSettings /></section>
    </div>
  );
}
