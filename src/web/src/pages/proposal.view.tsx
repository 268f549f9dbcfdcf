/**
 * The proposed plan: trips per vehicle with their load, the timeline, each trip's stops, the
 * loading list, unserved needs by reason, bags packed differently. Names everywhere (vehicles by
 * name and plate, gates, depots, items in the reader's language); ids only in tooltips.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { DepartTime } from '../ui/depart-time';
import { FormError } from '../ui/form';
import { itemLabel, reasonLabel, useCatalogue, type Catalogue } from '../ui/labels';
import { TableFrame } from '../ui/table-frame';
import { AllocationTable } from './dispatcher/allocation-table';
import { PaperLinks } from './dispatcher/paper-links';
import { Timeline } from './dispatcher/timeline';
import { TripStops } from './dispatcher/trip-stops';
import { tripName, type Actuals, type Proposal } from './dispatcher/proposal.types';
import { FleetNotes, WasteCustody } from './dispatcher/waste-custody';

export type { Proposal } from './dispatcher/proposal.types';

/** A reason of the unserved list, with the items a stock-short need lacked. */
const unservedLabel = (u: Proposal['unserved'][number], names: Catalogue): string =>
  u.short?.length ? t('unservedShort', { reason: reasonLabel(u.reason), items: u.short.map((s) => itemLabel(s.item, new Map([...names, [s.item, s.itemName]]))).join(', ') }) : reasonLabel(u.reason);

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The packing changes name items by their catalogue name: back to the code, to say it in the reader's language. */
function byName(names: Catalogue): (name: string) => string {
  const codes = new Map([...names].map(([code, name]) => [name, code]));
  return (name) => (codes.has(name) ? itemLabel(codes.get(name) as string, names) : name);
}

interface Props {
  proposal: Proposal;
  /** Corridor names by id. */
  names: Map<string, string>;
  actuals: Actuals;
  onChange: (next: Proposal) => void;
}

export function ProposalView({ proposal, names, actuals, onChange }: Props) {
  const [error, setError] = useState<unknown>(null);
  const catalogue = useCatalogue();
  const item = byName(catalogue);
  async function edit(stopId: string, action: 'lock' | 'move', body: unknown) {
    try {
      onChange(await api<Proposal>(`/api/rounds/${proposal.roundId}/stops/${stopId}/${action}`, { body }));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }
  // Where each bag goes: the packing changes name the gate and trip, not the bag's id.
  const bagStop = new Map(proposal.trips.flatMap((trip) => trip.stops.flatMap((s) => s.bags.map((b) => [b.bagId, `${names.get(s.corridorId) ?? '…'} (${tripName(trip)})`] as const))));
  return (
    <section class="card wide" aria-labelledby="proposal-title" data-testid="proposal">
      <h2 id="proposal-title">{t('proposal')}</h2>
      <TableFrame label={t('proposal')} heads={(['vehicle', 'driver', 'depot', 'tripNo', 'departure', 'stopsDone', 'bagCount', 'km'] as const).map((k) => t(k))}>
        {proposal.trips.map((trip) => {
          const done = trip.stops.filter((s) => s.status === 'delivered' || s.status === 'failed').length;
          return (
            <tr key={trip.id}>
              <td title={trip.vehicleId}>{trip.vehicleName}</td>
              <td>{trip.driverName ?? '—'}</td>
              <td>{trip.depotName}</td>
              <td>{trip.tripNo}</td>
              <td><DepartTime departS={trip.departS} verb={false} /></td>
              <td>{done}/{trip.stops.length}</td>
              <td>{trip.stops.reduce((n, s) => n + s.bags.length, 0)}</td>
              <td>{(trip.distanceM / 1000).toFixed(1)}</td>
            </tr>
          );
        })}
      </TableFrame>
      <FleetNotes proposal={proposal} />
      <WasteCustody proposal={proposal} />
      <PaperLinks proposal={proposal} />
      <Timeline proposal={proposal} names={names} actuals={actuals} />
      <FormError error={error} />
      {proposal.trips.map((trip) => (
        <TripStops key={trip.id} proposal={proposal} trip={trip} names={names} edit={proposal.status === 'proposed' ? (id, action, body) => void edit(id, action, body) : null} />
      ))}
      <h3>{t('unserved')} ({proposal.unserved.length})</h3>
      <ul class="list" data-testid="unserved">
        {Object.entries(countBy(proposal.unserved.map((u) => unservedLabel(u, catalogue)))).map(([reason, n]) => (
          <li key={reason} class="row">
            <span>{reason}</span>
            <strong>{n}</strong>
          </li>
        ))}
      </ul>
      {proposal.allocation && <AllocationTable allocation={proposal.allocation} />}
      {proposal.setPartitioning && (
        <p data-testid="set-partitioning">
          {t(`merge_${proposal.setPartitioning.status.replace(/-/g, '_')}` as MessageKey, {
            km: (proposal.setPartitioning.cost / 1000).toFixed(1), saved: ((proposal.setPartitioning.mergedCost - proposal.setPartitioning.cost) / 1000).toFixed(1), ms: Math.round(proposal.setPartitioning.elapsedMs),
          })}
        </p>
      )}
      {proposal.packingChanges.length > 0 && (
        <>
          <h3>{t('packingChanges')}</h3>
          <ul class="list" data-testid="packing-changes">
            {proposal.packingChanges.map((c) => (
              <li key={c.needId} class="row">
                <span title={c.bagIds.join(', ')}>{[...new Set(c.bagIds.map((b) => bagStop.get(b) ?? t('notRouted')))].join(', ')}</span>
                <span>
                  {[
                    ...c.substituted.map((x) => t('substitutedFor', { n: x.quantity, item: item(x.item), for: item(x.for) })),
                    ...c.leftOut.map((x) => t('leftOutItem', { n: x.quantity, item: item(x.item) })),
                  ].join('; ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('loadingList')}</h3>
      <ul class="list">
        {proposal.loadingList.map((l) => (
          <li key={`${l.depotId}-${l.item}`} class="row">
            <span>
              {l.depotName} · {itemLabel(l.item, catalogue)}
            </span>
            <span>{t('bags', { n: l.bags })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
