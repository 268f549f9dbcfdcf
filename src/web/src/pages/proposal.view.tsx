/**
 * The proposed plan as lists: trips per vehicle with their load, each stop's time and gate window
 * (flagged when late or past a medicine deadline), the loading list, unserved needs.
 * While proposed, the dispatcher locks stops or moves them to another trip (then re-plans the rest).
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { DepartTime } from '../ui/depart-time';
import { FormError } from '../ui/form';

export interface Proposal {
  roundId: string;
  status: string;
  /** Minutes from midnight the shift starts at: plan times count seconds from it. */
  shiftStartMin: number;
  trips: {
    id: string; vehicleId: string; vehicleName: string; driverName: string | null; tripNo: number; departS: number; distanceM: number; durationS: number;
    stops: {
      id: string; seq: number; locked: boolean; corridorId: string; status: string; bags: { bagId: string; item: string }[];
      window: { fromS: number; untilS: number } | null; servedS: number; late: boolean; deadlineS: number | null; deadlineMissed: boolean;
    }[];
  }[];
  loadingList: { depotId: string; depotName: string; item: string; bags: number }[];
  unserved: { needId: string; reason: string; short?: { itemName: string }[] }[];
  allocation: Allocation | null;
  setPartitioning: { status: string; mergedCost: number; cost: number; elapsedMs: number } | null;
  packingChanges: { needId: string; bagIds: string[]; substituted: { item: string; for: string; quantity: number }[]; leftOut: { item: string; quantity: number }[] }[];
}

interface Allocation {
  method: 'lp' | 'greedy' | 'mixed';
  solver: string;
  elapsedMs: number;
  served: number;
  unserved: number;
  substituted: number;
  lines: { communityId: string; communityName: string; itemId: string; itemName: string; demand: number; allocated: number; substituted: number; leftOut: number; short: number; reasons: string[] }[];
}

/** A reason of the unserved list, with the items a stock-short need lacked. */
const unservedLabel = (u: Proposal['unserved'][number]): string =>
  u.short?.length ? t('unservedShort', { reason: u.reason, items: u.short.map((s) => s.itemName).join(', ') }) : u.reason;

const cutLabel = (code: string): string => t(`cut_${code.replace(/-/g, '_')}` as MessageKey);

/** The allocation's explanation, next to the unserved list: only the lines where something was cut or replaced. */
function AllocationTable({ allocation }: { allocation: Allocation }) {
  const cut = allocation.lines.filter((l) => l.substituted + l.leftOut + l.short > 0);
  return (
    <div data-testid="allocation">
      <h3>{t('allocation')}</h3>
      <p>
        {t('allocationBy', {
          method: t(`allocationMethod_${allocation.method}`), solver: allocation.solver, ms: allocation.elapsedMs,
          served: allocation.served, unserved: allocation.unserved, substituted: allocation.substituted,
        })}
      </p>
      {cut.length === 0 ? <p>{t('allocationAllServed')}</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('allocation')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('community')}</th>
                <th scope="col">{t('item')}</th>
                <th scope="col">{t('demand')}</th>
                <th scope="col">{t('allocated')}</th>
                <th scope="col">{t('substituted')}</th>
                <th scope="col">{t('leftOut')}</th>
                <th scope="col">{t('short')}</th>
                <th scope="col">{t('why')}</th>
              </tr>
            </thead>
            <tbody>
              {cut.map((l) => (
                <tr key={`${l.communityId}-${l.itemId}`}>
                  <td>{l.communityName}</td>
                  <td>{l.itemName}</td>
                  <td>{l.demand}</td>
                  <td>{l.allocated}</td>
                  <td>{l.substituted}</td>
                  <td>{l.leftOut}</td>
                  <td>{l.short}</td>
                  <td>{l.reasons.map(cutLabel).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Unserved needs grouped by reason: the dispatcher acts on reasons, not on 30 ids. */
type Stop = Proposal['trips'][number]['stops'][number];

/** Clock time of a plan time (seconds from the shift's start). */
const clock = (shiftStartMin: number, s: number): string => {
  const m = Math.round(shiftStartMin + s / 60);
  return `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** When the stop is served, its gate's window, and a flag when it is late or misses a medicine deadline. */
function StopTime({ stop, shiftStartMin }: { stop: Stop; shiftStartMin: number }) {
  const at = clock(shiftStartMin, stop.servedS);
  return (
    <span data-testid="stop-time">
      <time>{t('servedAt', { time: at })}</time>
      {stop.window && <> ({t('gateWindow', { from: clock(shiftStartMin, stop.window.fromS), until: clock(shiftStartMin, stop.window.untilS) })})</>}
      {stop.late && <span class="tag" data-testid="stop-late">{t('servedLate')}</span>}
      {stop.deadlineMissed && stop.deadlineS !== null && <span class="tag">{t('deadlineMissed', { time: clock(shiftStartMin, stop.deadlineS) })}</span>}
    </span>
  );
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

interface Props {
  proposal: Proposal;
  /** Corridor names by id. */
  names: Map<string, string>;
  onChange: (next: Proposal) => void;
}

export function ProposalView({ proposal, names, onChange }: Props) {
  const [error, setError] = useState<unknown>(null);
  const editable = proposal.status === 'proposed';
  async function edit(stopId: string, action: 'lock' | 'move', body: unknown) {
    try {
      onChange(await api<Proposal>(`/api/rounds/${proposal.roundId}/stops/${stopId}/${action}`, { body }));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section class="card" aria-labelledby="proposal-title" data-testid="proposal">
      <h2 id="proposal-title">{t('proposal')}</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('proposal')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('vehicle')}</th>
              <th scope="col">{t('trip', { n: '' })}</th>
              <th scope="col">{t('departure')}</th>
              <th scope="col">{t('stops', { n: '' })}</th>
              <th scope="col">{t('bags', { n: '' })}</th>
              <th scope="col">km</th>
            </tr>
          </thead>
          <tbody>
            {proposal.trips.map((trip) => {
              const done = trip.stops.filter((s) => s.status === 'delivered' || s.status === 'failed').length;
              return (
                <tr key={trip.id}>
                  <td>{trip.vehicleName}{trip.driverName ? ` · ${trip.driverName}` : ''}</td>
                  <td>{trip.tripNo}</td>
                  <td>
                    <DepartTime departS={trip.departS} verb={false} />
                  </td>
                  <td>
                    {done}/{trip.stops.length}
                  </td>
                  <td>{trip.stops.reduce((n, s) => n + s.bags.length, 0)}</td>
                  <td>{(trip.distanceM / 1000).toFixed(1)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <FormError error={error} />
      {proposal.trips.map((trip) => (
        <details key={trip.id} class="trip">
          <summary>
            {trip.vehicleName} · {t('trip', { n: trip.tripNo })} · <DepartTime departS={trip.departS} /> · {t('stops', { n: trip.stops.length })}
          </summary>
          <ol class="list">
            {trip.stops.map((stop) => (
              <li key={stop.id} class="row" data-stop-id={stop.id}>
                <span>
                  {names.get(stop.corridorId) ?? stop.corridorId.slice(0, 8)} · {t('bags', { n: stop.bags.length })} · {stop.status}
                  {' · '}<StopTime stop={stop} shiftStartMin={proposal.shiftStartMin} />
                </span>
                {editable && (
                  <span class="actions">
                    <label class="check">
                      <input type="checkbox" checked={stop.locked} onChange={(e) => void edit(stop.id, 'lock', { locked: e.currentTarget.checked })} /> {t('lockStop')}
                    </label>
                    <label class="visually-hidden" for={`move-${stop.id}`}>
                      {t('moveTo')}
                    </label>
                    <select id={`move-${stop.id}`} value="" onChange={(e) => {
                      const target = proposal.trips.find((x) => x.id === e.currentTarget.value);
                      if (target) void edit(stop.id, 'move', { tripId: target.id, position: target.stops.length });
                    }}>
                      <option value="">{t('moveTo')}</option>
                      {proposal.trips.filter((x) => x.id !== trip.id).map((x) => (
                        <option key={x.id} value={x.id}>
                          {x.vehicleName} · {t('trip', { n: x.tripNo })}
                        </option>
                      ))}
                    </select>
                  </span>
                )}
              </li>
            ))}
          </ol>
        </details>
      ))}
      <h3>{t('unserved')} ({proposal.unserved.length})</h3>
      <ul class="list" data-testid="unserved">
        {Object.entries(countBy(proposal.unserved.map(unservedLabel))).map(([reason, n]) => (
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
                <span>{c.bagIds.join(', ')}</span>
                <span>
                  {[
                    ...c.substituted.map((x) => t('substitutedFor', { n: x.quantity, item: x.item, for: x.for })),
                    ...c.leftOut.map((x) => t('leftOutItem', { n: x.quantity, item: x.item })),
                  ].join('; ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('item')}</h3>
      <ul class="list">
        {proposal.loadingList.map((l) => (
          <li key={`${l.depotId}-${l.item}`} class="row">
            <span>
              {l.depotName} · {t(`kind_${l.item}` as MessageKey)}
            </span>
            <span>{t('bags', { n: l.bags })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
