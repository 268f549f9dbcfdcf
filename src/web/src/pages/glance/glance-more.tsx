/**
 * The glance's other figures: delivered stops on time or late per community, passes out and
 * overdue, stock days of cover per depot and item, emergencies with their response times.
 */
import type { OverviewResponse } from '../../../../contracts/overview.contract';
import { t } from '../../i18n';
import { itemLabel } from '../../ui/labels';
import { TableFrame } from '../../ui/table-frame';
import { BarChart } from './glance-chart';
import { FigureLink, type Opened } from './figure-link';

type Community = OverviewResponse['communities'][number];
interface Opens { onOpen: (o: Opened) => void }

export function DeliveryFigures({ communities, onOpen }: { communities: Community[] } & Opens) {
  const parts = [['onTime', '#31a354'], ['late', '#de2d26'], ['noWindow', '#969696']] as const;
  return (
    <section class="card" aria-labelledby="glance-deliveries">
      <h3 id="glance-deliveries">{t('glanceDeliveries')}</h3>
      <BarChart label={t('glanceDeliveries')} labels={communities.map((c) => c.communityName)} horizontal
        series={parts.map(([k, colour]) => ({ label: t(k), colour, values: communities.map((c) => c.deliveries[k]) }))} />
      <TableFrame label={t('glanceDeliveries')} heads={[t('community'), ...parts.map(([k]) => t(k))]} numeric={[1, 2, 3]}>
        {communities.map((c) => (
          <tr key={c.communityId}>
            <td>{c.communityName}</td>
            {parts.map(([k]) => (
              <td key={k} class="num">
                <FigureLink value={c.deliveries[k]} href={c.deliveries.href} figure={`deliveries-${k}:${c.communityId}`} title={() => t('roundsOf', { place: c.communityName })} onOpen={onOpen} />
              </td>
            ))}
          </tr>
        ))}
      </TableFrame>
    </section>
  );
}

export function PassFigures({ communities, onOpen }: { communities: Community[] } & Opens) {
  return (
    <section class="card" aria-labelledby="glance-passes">
      <h3 id="glance-passes">{t('glancePasses')}</h3>
      <TableFrame label={t('glancePasses')} heads={[t('community'), t('passesInFlight'), t('passesOverdue')]} numeric={[1, 2]}>
        {communities.map((c) => (
          <tr key={c.communityId}>
            <td>{c.communityName}</td>
            {(['inFlight', 'overdue'] as const).map((k) => (
              <td key={k} class="num">
                <FigureLink value={c.passes[k].count} href={c.passes[k].href} figure={`passes-${k}:${c.communityId}`} title={() => t('passesOf', { place: c.communityName })} onOpen={onOpen} />
              </td>
            ))}
          </tr>
        ))}
      </TableFrame>
    </section>
  );
}

const days = (d: number | null) => (d === null ? '—' : d.toFixed(1));

export function StockFigures({ stock, useDays, onOpen }: { stock: OverviewResponse['stock']; useDays: number } & Opens) {
  const name = (s: OverviewResponse['stock'][number]) => `${s.depotName} · ${itemLabel(s.itemCode, new Map([[s.itemCode, s.itemName]]))}`;
  // The shortest cover first: what runs out next is what a person looks for.
  const covered = stock.filter((s) => s.daysOfCover !== null).sort((a, b) => (a.daysOfCover ?? 0) - (b.daysOfCover ?? 0)).slice(0, 12);
  return (
    <section class="card wide" aria-labelledby="glance-stock">
      <h3 id="glance-stock">{t('glanceStock')}</h3>
      <p class="muted">{t('glanceStockNote', { n: useDays })}</p>
      {covered.length > 0 && (
        <BarChart label={t('glanceStockChart')} labels={covered.map(name)} horizontal series={[{ label: t('daysOfCover'), colour: '#4292c6', values: covered.map((s) => Number(days(s.daysOfCover))) }]} />
      )}
      {stock.length === 0 ? <p class="muted">{t('stockEmpty')}</p> : (
        <TableFrame label={t('glanceStock')} heads={[t('depot'), t('item'), t('onHand'), t('available'), t('dailyUse'), t('daysOfCover')]} numeric={[2, 3, 4, 5]}>
          {stock.map((s) => (
            <tr key={`${s.depotId}-${s.itemCode}`}>
              <td>{s.depotName}</td>
              <td>{itemLabel(s.itemCode, new Map([[s.itemCode, s.itemName]]))}</td>
              <td class="num"><FigureLink value={s.onHand} href={s.href} figure={`stock-onHand:${s.depotId}:${s.itemCode}`} title={() => t('stockOf', { what: name(s) })} onOpen={onOpen} /></td>
              <td class="num" data-figure={`stock-available:${s.depotId}:${s.itemCode}`}>{s.available}</td>
              <td class="num">{s.dailyUse.toFixed(1)}</td>
              <td class="num">{days(s.daysOfCover)}</td>
            </tr>
          ))}
        </TableFrame>
      )}
    </section>
  );
}

const minutes = (s: number | null) => (s === null ? '—' : t('minutes', { n: Math.round(s / 60) }));

export function EmergencyFigures({ e, onOpen }: { e: OverviewResponse['emergencies'] } & Opens) {
  const counts = ['waiting', 'assigned', 'done', 'unserved'] as const;
  return (
    <section class="card" aria-labelledby="glance-emergencies">
      <h3 id="glance-emergencies">{t('glanceEmergencies')}</h3>
      <dl class="glance-figures">
        <div><dt>{t('emergencyCases')}</dt><dd><FigureLink value={e.total} href={e.href} figure="emergencies-total" title={() => t('glanceEmergencies')} onOpen={onOpen} /></dd></div>
        {counts.map((k) => <div key={k}><dt>{t(`emergency_${k}`)}</dt><dd data-figure={`emergencies-${k}`}>{e[k]}</dd></div>)}
        <div><dt>{t('assignTimes')}</dt><dd>{minutes(e.assignP50S)} / {minutes(e.assignP90S)}</dd></div>
        <div><dt>{t('doneTimes')}</dt><dd>{minutes(e.doneP50S)} / {minutes(e.doneP90S)}</dd></div>
      </dl>
    </section>
  );
}
