/**
 * The round as a timeline (issue #17, item 4): a lane per vehicle, its trips as bars from the depot
 * and back with the reload between them, each stop numbered at its planned time over its gate's
 * window, late stops marked, the shift's end drawn; once dispatched, what the desk saw happen
 * (live stop events) next to the plan. Drawn with positioned elements whose places are CSS custom
 * properties set through the DOM (the CSP allows no inline style attribute). Screen readers get a
 * summary and the same facts as a table (timeline-table.tsx).
 */
import { useState } from 'preact/hooks';
import type { RoundCrewView } from '../../../../contracts/handover.contract';
import { api } from '../../api';
import { t } from '../../i18n';
import { useLive } from '../../live';
import { useLoad } from '../../ui/hooks';
import { actualS, at, axis, lanes, stopRows, tripEnd, type Axis, type Lane } from './timeline.model';
import { TimelineTable } from './timeline-table';
import './timeline.css';
import { clock, type Actuals, type Proposal } from './proposal.types';

/** Where an element sits on the axis: `--at` (its start) and `--len` (its length), both shares of the axis. */
const place = (ax: Axis, fromS: number, untilS = fromS): Record<string, string> => ({ '--at': at(fromS, ax), '--len': `calc(${at(untilS, ax)} - ${at(fromS, ax)})` });

/** The round's crews (GET /api/rounds/:id/crew): shift bands, handovers, who drives now. */
type Crew = RoundCrewView;

function LaneRow({ lane, proposal, ax, names, actuals, crew }: { lane: Lane; proposal: Proposal; ax: Axis; names: Map<string, string>; actuals: Actuals; crew: Crew | undefined }) {
  const bands = crew?.bands.filter((b) => b.vehicleId === lane.vehicleId) ?? [];
  const handovers = crew?.handovers.filter((h) => h.vehicleId === lane.vehicleId) ?? [];
  const now = crew?.current.find((c) => c.vehicleId === lane.vehicleId);
  const when = (s: number) => clock(proposal.shiftStartMin, s);
  const stops = lane.trips.flatMap((trip) => trip.stops.map((stop) => ({ stop, tripNo: trip.tripNo })));
  const rows = stopRows(stops, ax);
  const depth = Math.max(1, ...rows.map((r) => r + 1));
  return (
    <div class="tl-lane" data-testid="timeline-lane">
      <div class="tl-name">
        <strong>{lane.vehicleName}</strong>
        {lane.driverName && !crew && <small> · {lane.driverName}</small>}
        {now && <small class="tl-now" data-testid="driving-now"><br />{t('drivingNow', { name: now.driverName })}</small>}
      </div>
      <div class={`tl-track tl-depth-${depth}${bands.length ? ' tl-banded' : ''}`} aria-hidden="true">
        {bands.map((b, i) => (
          <span key={`${b.driverId}-${b.fromS}`} class={`tl-band tl-band-${i % 2}`} data-testid="timeline-shift" style={place(ax, b.fromS, b.untilS)} title={`${t('tlShift')}: ${b.driverName} ${when(b.fromS)}–${when(b.untilS)}`}>
            {b.driverName}
          </span>
        ))}
        {handovers.map((h) => (
          <span key={h.tripId} class={`tl-handover${h.acceptedAt ? ' tl-handover-done' : ''}`} data-testid="timeline-handover" style={place(ax, h.atS)} title={handoverTitle(h, when)} />
        ))}
        {lane.trips.map((trip) => (
          <div key={trip.id} class="tl-trip" data-testid="timeline-trip" data-trip-id={trip.id} style={place(ax, trip.departS, tripEnd(trip))} title={`${t('trip', { n: trip.tripNo })} · ${trip.depotName} ${when(trip.departS)}–${when(tripEnd(trip))}`} />
        ))}
        {lane.reloads.map((r) => (
          <div key={r.fromS} class="tl-reload" style={place(ax, r.fromS, r.untilS)} title={`${t('reload')} ${when(r.fromS)}–${when(r.untilS)}`} />
        ))}
        {stops.map(({ stop, tripNo }, i) => {
          const name = names.get(stop.corridorId) ?? '…';
          const seen = actuals[stop.id]?.doneAt;
          return (
            <div key={stop.id}>
              {stop.window && <div class={`tl-window tl-row-${rows[i]}`} style={place(ax, stop.window.fromS, stop.window.untilS)} />}
              <span class={`tl-stop tl-row-${rows[i]}${stop.late || stop.deadlineMissed ? ' tl-late' : ''}`} data-testid="timeline-stop" style={place(ax, stop.servedS)}
                title={`${t('trip', { n: tripNo })} · ${stop.seq + 1}. ${name} ${when(stop.servedS)}${stop.window ? ` (${t('gateWindow', { from: when(stop.window.fromS), until: when(stop.window.untilS) })})` : ''}`}>
                {stop.seq + 1}
              </span>
              {seen && <span data-testid="timeline-actual" data-stop-id={stop.id} class={`tl-actual tl-row-${rows[i]}${stop.window && actualS(seen, proposal.shiftStartMin) > stop.window.untilS ? ' tl-late' : ''}`} style={place(ax, actualS(seen, proposal.shiftStartMin))} title={`${name}: ${t('actualAt', { time: when(actualS(seen, proposal.shiftStartMin)) })}`} />}
            </div>
          );
        })}
        {ax.shiftEndInside && <div class="tl-shift-end" style={place(ax, proposal.shiftEndS)} />}
      </div>
    </div>
  );
}

const handoverTitle = (h: Crew['handovers'][number], when: (s: number) => string): string =>
  t('tlHandoverTitle', { from: h.fromDriver.name, to: h.toDriver.name, time: when(h.atS), stage: t(h.acceptedAt ? 'tlHandoverAccepted' : h.handedAt ? 'tlHandoverHanded' : 'tlHandoverPending') });

export function Timeline({ proposal, names, actuals }: { proposal: Proposal; names: Map<string, string>; actuals: Actuals }) {
  // Shift bands and handovers per vehicle (issue #18, item 5), read again when a vehicle changes hands.
  const [tick, setTick] = useState(0);
  const crew = useLoad(`crew-${proposal.roundId}-${proposal.status}-${tick}`, () => api<Crew>(`/api/rounds/${proposal.roundId}/crew`)).data;
  useLive(['dispatch'], (event) => {
    if (event?.type === 'vehicle.handover' && event.roundId === proposal.roundId) setTick((n) => n + 1);
  });
  const when = (s: number) => clock(proposal.shiftStartMin, s);
  const ax = axis(proposal, actuals);
  const all = lanes(proposal);
  const late = proposal.trips.reduce((n, trip) => n + trip.stops.filter((s) => s.late || s.deadlineMissed).length, 0);
  const summary = t('timelineSummary', { vehicles: all.length, trips: proposal.trips.length, late, end: clock(proposal.shiftStartMin, proposal.shiftEndS) });
  return (
    <div class="timeline" data-testid="timeline">
      <h3>{t('timeline')}</h3>
      <p class="muted">{summary}</p>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('timeline')}>
        <div class="tl-grid" role="img" aria-label={summary}>
          <div class="tl-axis" aria-hidden="true">
            {ax.hours.map((s) => (
              <span key={s} class="tl-hour" style={place(ax, s)}>{clock(proposal.shiftStartMin, s)}</span>
            ))}
          </div>
          {all.map((lane) => (
            <LaneRow key={lane.vehicleId} lane={lane} proposal={proposal} ax={ax} names={names} actuals={actuals} crew={crew} />
          ))}
        </div>
      </div>
      <p class="tl-legend muted" aria-hidden="true">
        <span class="tl-key tl-key-trip" /> {t('tlTrip')} <span class="tl-key tl-key-reload" /> {t('reload')} <span class="tl-key tl-key-window" /> {t('tlWindow')}{' '}
        <span class="tl-key tl-key-stop">1</span> {t('tlStop')} <span class="tl-key tl-key-late">1</span> {t('tlLate')} <span class="tl-key tl-key-actual" /> {t('tlActual')}{' · '}
        {ax.shiftEndInside ? <><span class="tl-key tl-key-shift" /> {t('tlShiftEnd')}</> : t('tlShiftEndsAt', { time: clock(proposal.shiftStartMin, proposal.shiftEndS) })}
        {crew && crew.bands.length > 0 && <>{' · '}<span class="tl-key tl-key-band" /> {t('tlShift')} <span class="tl-key tl-key-handover" /> {t('tlHandover')}</>}
      </p>
      {crew && crew.handovers.length > 0 && (
        <ul class="list tl-handovers" aria-label={t('handovers')}>
          {crew.handovers.map((h) => (
            <li key={h.tripId} data-testid="handover-line">{h.vehicleName}: {handoverTitle(h, when)}</li>
          ))}
        </ul>
      )}
      <TimelineTable proposal={proposal} names={names} actuals={actuals} />
    </div>
  );
}
