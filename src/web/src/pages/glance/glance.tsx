/**
 * The district at a glance (GET /api/overview): needs, the food cycle, what was left unserved or
 * failed, deliveries on time, passes, stock cover and emergencies, per community. Every number
 * opens the list behind it in the page. The answer is a snapshot: it is fetched again (debounced)
 * on the live events that change it (named in src/contracts/overview.contract.ts).
 */
import { useState } from 'preact/hooks';
import type { OverviewResponse } from '../../../../contracts/overview.contract';
import { api } from '../../api';
import { t } from '../../i18n';
import { useLive } from '../../live';
import { FormError } from '../../ui/form';
import { useDebounced, useLoad } from '../../ui/hooks';
import { dateTime } from '../../ui/labels';
import { FigureList } from './figure-list';
import type { Opened } from './figure-link';
import { CycleFigures, NeedFigures, ReasonFigures } from './glance-needs';
import { DeliveryFigures, EmergencyFigures, PassFigures, StockFigures } from './glance-more';
import './glance.css';

/** The live events after which the overview's figures may have changed. */
const CHANGES = new Set(['need.status_changed', 'round.proposed', 'round.dispatched', 'stop.delivered', 'stop.failed', 'stock.alert', 'pass.state', 'alert.raised']);
const DEBOUNCE_MS = 1000;

interface Props {
  /** The live scopes whose events the page receives (the desk's, or the staff's communities). */
  scopes: readonly string[];
  /** The communities at or under this area only; none: every community in view. */
  areaId?: string;
}

export function Glance({ scopes, areaId }: Props) {
  const path = `/api/overview${areaId ? `?areaId=${areaId}` : ''}`;
  const overview = useLoad(path, () => api<OverviewResponse>(path));
  const [opened, setOpened] = useState<Opened | null>(null);
  const refetch = useDebounced(overview.reload, DEBOUNCE_MS);
  useLive(scopes, (event) => (!event || CHANGES.has(event.type)) && refetch());
  const o = overview.data;
  const open = (x: Opened) => setOpened(x);
  return (
    <div class="page" data-testid="glance">
      <section class="card wide" aria-labelledby="glance-title">
        <h2 id="glance-title">{t('glance')}</h2>
        <FormError error={overview.error} />
        {!o && <p class="muted">{t('loading')}</p>}
        {o && <p class="muted">{t('glanceSince', { since: dateTime(o.since) })}</p>}
        {opened && <FigureList opened={opened} onClose={() => setOpened(null)} />}
      </section>
      {o && (
        <>
          <NeedFigures communities={o.communities} onOpen={open} />
          <CycleFigures communities={o.communities} onOpen={open} />
          <DeliveryFigures communities={o.communities} onOpen={open} />
          <ReasonFigures communities={o.communities} which="unserved" onOpen={open} />
          <ReasonFigures communities={o.communities} which="failed" onOpen={open} />
          <PassFigures communities={o.communities} onOpen={open} />
          <EmergencyFigures e={o.emergencies} onOpen={open} />
          <StockFigures stock={o.stock} useDays={o.stockUseDays} onOpen={open} />
        </>
      )}
    </div>
  );
}
