/**
 * The glance's need figures per community: needs by kind and status, the food cycle's packages
 * served, and the waiting needs left unserved and the failures, by reason. Each number opens its
 * list; the charts say the same at a look.
 */
import type { OverviewResponse } from '../../../../contracts/overview.contract';
import { t, type MessageKey } from '../../i18n';
import { reasonLabel } from '../../ui/labels';
import { TableFrame } from '../../ui/table-frame';
import { BarChart } from './glance-chart';
import { FigureLink, type Opened } from './figure-link';

type Community = OverviewResponse['communities'][number];
const STATUS_COLOURS: Record<string, string> = {
  submitted: '#9ecae1', accepted: '#4292c6', planned: '#6a51a3', out_for_delivery: '#fd8d3c', delivered: '#31a354', failed: '#de2d26', cancelled: '#969696',
};
const statusText = (s: string) => t(`status_${s}` as MessageKey);
const kindText = (k: string) => t(`kind_${k}` as MessageKey);

export function NeedFigures({ communities, onOpen }: { communities: Community[]; onOpen: (o: Opened) => void }) {
  const statuses = Object.keys(STATUS_COLOURS).filter((s) => communities.some((c) => c.needs.some((n) => n.status === s)));
  const names = communities.map((c) => c.communityName);
  const rows = communities.flatMap((c) => [...new Set(c.needs.map((n) => n.kind))].map((kind) => ({ c, kind })));
  return (
    <section class="card wide" aria-labelledby="glance-needs">
      <h3 id="glance-needs">{t('glanceNeeds')}</h3>
      <BarChart label={t('glanceNeedsChart')} labels={names} horizontal
        series={statuses.map((s) => ({ label: statusText(s), colour: STATUS_COLOURS[s] ?? '#999', values: communities.map((c) => c.needs.filter((n) => n.status === s).reduce((a, n) => a + n.count, 0)) }))} />
      {rows.length === 0 ? <p class="muted">{t('stockEmpty')}</p> : (
        <TableFrame label={t('glanceNeeds')} heads={[t('community'), t('kind'), ...statuses.map(statusText)]} numeric={statuses.map((_, i) => i + 2)}>
          {rows.map(({ c, kind }) => (
            <tr key={`${c.communityId}-${kind}`}>
              <td>{c.communityName}</td>
              <td>{kindText(kind)}</td>
              {statuses.map((s) => {
                const n = c.needs.find((x) => x.kind === kind && x.status === s);
                return (
                  <td key={s} class="num">
                    {n ? <FigureLink value={n.count} href={n.href} figure={`needs:${c.communityId}:${kind}:${s}`} title={() => t('needsOf', { place: c.communityName, what: `${kindText(kind)}, ${statusText(s)}` })} onOpen={onOpen} /> : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </TableFrame>
      )}
    </section>
  );
}

export function CycleFigures({ communities, onOpen }: { communities: Community[]; onOpen: (o: Opened) => void }) {
  return (
    <section class="card" aria-labelledby="glance-cycle">
      <h3 id="glance-cycle">{t('glanceCycle')}</h3>
      <BarChart label={t('glanceCycleChart')} labels={communities.map((c) => c.communityName)} max={100} horizontal
        series={[{ label: t('servedShare'), colour: '#31a354', values: communities.map((c) => Math.round((c.cycle.share ?? 0) * 100)) }]} />
      <TableFrame label={t('glanceCycle')} heads={[t('community'), t('owed'), t('delivered'), t('servedShare')]} numeric={[1, 2, 3]}>
        {communities.map((c) => (
          <tr key={c.communityId}>
            <td>{c.communityName}</td>
            <td class="num"><FigureLink value={c.cycle.owed} href={c.cycle.href} figure={`cycle-owed:${c.communityId}`} title={() => t('needsOf', { place: c.communityName, what: t('glanceCycle') })} onOpen={onOpen} /></td>
            <td class="num" data-figure={`cycle-delivered:${c.communityId}`}>{c.cycle.delivered}</td>
            <td class="num">{c.cycle.share === null ? '—' : `${Math.round(c.cycle.share * 100)}%`}</td>
          </tr>
        ))}
      </TableFrame>
    </section>
  );
}

/** Waiting needs left unserved, or failed needs, by reason and community. */
export function ReasonFigures({ communities, which, onOpen }: { communities: Community[]; which: 'unserved' | 'failed'; onOpen: (o: Opened) => void }) {
  const rows = communities.flatMap((c) => c[which].map((r) => ({ c, r })));
  const reasons = [...new Set(rows.map((x) => x.r.reason))];
  const title = t(which === 'unserved' ? 'glanceUnserved' : 'glanceFailed');
  return (
    <section class="card" aria-labelledby={`glance-${which}`}>
      <h3 id={`glance-${which}`}>{title}</h3>
      {rows.length === 0 ? <p class="muted">{t('glanceNone')}</p> : (
        <>
          <BarChart label={title} labels={reasons.map(reasonLabel)} horizontal
            series={[{ label: t('needsCount'), colour: which === 'failed' ? '#de2d26' : '#fd8d3c', values: reasons.map((x) => rows.filter((r) => r.r.reason === x).reduce((a, r) => a + r.r.count, 0)) }]} />
          <TableFrame label={title} heads={[t('community'), t('reason'), t('needsCount')]} numeric={[2]}>
            {rows.map(({ c, r }) => (
              <tr key={`${c.communityId}-${r.reason}`}>
                <td>{c.communityName}</td>
                <td>{reasonLabel(r.reason)}</td>
                <td class="num"><FigureLink value={r.count} href={r.href} figure={`${which}:${c.communityId}:${r.reason}`} title={() => t('needsOf', { place: c.communityName, what: reasonLabel(r.reason) })} onOpen={onOpen} /></td>
              </tr>
            ))}
          </TableFrame>
        </>
      )}
    </section>
  );
}
