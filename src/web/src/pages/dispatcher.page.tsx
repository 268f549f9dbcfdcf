/**
 * Dispatch desk: the district map (areas by risk and control status), start a round and watch its
 * progress live, review the proposal on the map (routes per vehicle, load per trip, unserved with
 * reasons, loading list), approve and dispatch, then follow vehicles and stop outcomes live.
 */
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { RoundPanel, type Round } from './dispatcher/round-panel';
import { useLive } from '../live';
import { DistrictMap, type MapVehicle } from '../ui/map/district-map';
import { RiskBadge, useRiskSettings, withRisk, type RiskState } from '../ui/risk-badge';
import { useDraft, useLoad } from '../ui/hooks';
import { ProposalView, type Proposal } from './proposal.view';
import type { Actuals } from './dispatcher/proposal.types';
import { gateNames as namesOf, loadDistrict, routesOf } from './dispatcher/district';
import { DeskViews, type DeskView } from './dispatcher/desk-views';
import { RoundsList } from './dispatcher/rounds-list';
import { Glance } from './glance/glance';

interface Outcome { key: string; text: string; kind: string; batchId: string; stopId: string }

export function DispatcherPage() {
  const district = useLoad('district', loadDistrict);
  const [form, setForm] = useDraft('round', { areaId: '', kind: 'mixed', roundId: '' });
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<DeskView>('desk');
  const [round, setRound] = useState<Round | null>(null);
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [vehicles, setVehicles] = useState<Record<string, MapVehicle>>({});
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [actuals, setActuals] = useState<Actuals>({});
  const risk = useRiskSettings();
  // Status and level changes since the district was loaded (area.risk_changed).
  const [riskChanged, setRiskChanged] = useState<Record<string, RiskState>>({});
  const roundId = form.roundId || null;
  const areas = useMemo(() => withRisk(district.data?.areas ?? [], riskChanged), [district.data, riskChanged]);
  const corridors = useMemo(() => withRisk(district.data?.corridors ?? [], riskChanged), [district.data, riskChanged]);
  const areaId = form.areaId || areas[0]?.id || '';

  async function refresh(id: string) {
    const r = await api<Round>(`/api/rounds/${id}`);
    setRound(r);
    if (['proposed', 'approved', 'dispatched', 'in_progress', 'completed'].includes(r.status)) setProposal(await api<Proposal>(`/api/rounds/${id}/proposal`));
  }
  useLoad(roundId, async () => (roundId ? refresh(roundId) : undefined));

  useLive(['dispatch'], (event) => {
    if (!event) return (district.reload(), setRiskChanged({}), roundId && void refresh(roundId));
    switch (event.type) {
      case 'area.risk_changed':
        setRiskChanged((c) => ({ ...c, [event.areaId]: { controlStatus: event.controlStatus, riskColour: event.riskColour } }));
        return;
      case 'round.progress':
        if (event.roundId === roundId) setRound((r) => (r ? { ...r, status: 'planning', progress: Math.max(r.progress, Math.round(event.percent)) } : r));
        return;
      case 'round.proposed':
      case 'round.manifest_changed':
      case 'waste.custody_flagged':
        // A new proposal, a cancelled need leaving a stop's manifest, a waste trip weighed off its pickups: show the plan as stored.
        if (event.roundId === roundId) void refresh(event.roundId);
        return;
      case 'trip.departed':
        // The driver reported leaving the depot (issue #19): the feed says which van is on its way.
        setOutcomes((o) => [{ key: `${event.batchId}-departed`, kind: 'departed', batchId: event.batchId, stopId: '', text: t('leftDepot') }, ...o.filter((x) => x.key !== `${event.batchId}-departed`)].slice(0, 100));
        return;
      case 'vehicle.position':
        setVehicles((v) => ({ ...v, [event.batchId]: { id: event.batchId, lat: event.lat, lon: event.lon } }));
        return;
      case 'stop.delivered':
      case 'stop.failed':
      case 'stop.arrived': {
        const kind = event.type.slice(5);
        setOutcomes((o) => [{ key: `${event.stopId}-${kind}`, kind, batchId: event.batchId, stopId: event.stopId, text: t(kind === 'arrived' ? 'arrive' : (kind as MessageKey)) }, ...o].slice(0, 100));
        // Planned against seen, on the timeline: the stop's id is the plan's stop id.
        const seenAt = 'at' in event && typeof event.at === 'string' ? event.at : new Date().toISOString();
        setActuals((a) => ({ ...a, [event.stopId]: { ...a[event.stopId], ...(kind === 'arrived' ? { arrivedAt: seenAt } : { doneAt: seenAt }) } }));
        if (roundId) void refresh(roundId);
        return;
      }
      default:
        return;
    }
  });

  async function act(path: string, body?: unknown) {
    setError(null);
    try {
      const r = await api<Round>(path, { method: 'POST', body });
      setRound(r);
      if (!roundId || r.id !== roundId) {
        setProposal(null);
        setForm({ roundId: r.id });
      } else await refresh(r.id);
    } catch (err) {
      setError(err);
    }
  }

  const gateNames = useMemo(() => namesOf(areas, corridors), [areas, corridors]);
  const depots = district.data?.depots ?? [];
  const routes = useMemo(() => routesOf(proposal, corridors, depots, gateNames), [proposal, corridors, depots, gateNames]);

  // Live positions come per batch (round and trip): the map and the list name its vehicle and plate.
  // With the trip's driver: who drives the vehicle now, since one vehicle changes hands at a shift change (issue #18, item 4).
  const vehicleOf = useMemo(() => new Map((proposal?.trips ?? []).map((trip) => [`${proposal?.roundId}_${trip.id}`, [trip.vehicleName, trip.driverName, t('trip', { n: trip.tripNo })].filter(Boolean).join(' · ')])), [proposal]);
  const liveVehicles = Object.values(vehicles).map((v) => ({ ...v, label: vehicleOf.get(v.id) ?? t('otherRoundVehicle') }));
  // The stop an outcome is about, by gate and vehicle.
  const stopOf = useMemo(() => new Map<string, string>((proposal?.trips ?? []).flatMap((trip) => trip.stops.map((s) => [`${proposal?.roundId}_${trip.id}:${s.id}`, gateNames.get(s.corridorId) ?? ''] as const))), [proposal, gateNames]);

  const views = <DeskViews view={view} onView={setView} />;
  if (view === 'rounds') {
    // Opening a round shows it on the desk: its proposal, or its live state once dispatched.
    const open = (id: string) => (setProposal(null), setRound(null), setForm({ roundId: id }), setView('desk'));
    return <div class="page">{views}<RoundsList onOpen={open} /></div>;
  }
  if (view === 'glance') return <>{views}<Glance scopes={['dispatch']} /></>;
  return (
    <div class="page">
      {views}
      <section class="card wide">
        <h1>{t('district')}</h1>
        <DistrictMap label={t('district')} areas={[...areas, ...corridors]} depots={depots} routes={routes} vehicles={liveVehicles} risk={risk} />
        <ul class="list risk-areas" aria-label={t('riskMap')}>
          {areas.map((a) => (
            <li key={a.id} data-area-id={a.id}>
              <RiskBadge settings={risk} area={a}>{a.name}</RiskBadge>
            </li>
          ))}
        </ul>
      </section>

      <RoundPanel areas={areas} areaId={areaId} kind={form.kind} round={round} error={error} onPick={setForm} onAct={(path, body) => void act(path, body)} />

      <section class="card">
        <h2>{t('liveVehicles')}</h2>
        {liveVehicles.length === 0 && outcomes.length === 0 && <p class="muted">{t('noLiveYet')}</p>}
        <ul class="list">
          {liveVehicles.map((v) => (
            <li key={v.id} class="row" data-testid="vehicle">
              {t('vehicleAt', { vehicle: v.label, lat: v.lat.toFixed(4), lon: v.lon.toFixed(4) })}
            </li>
          ))}
        </ul>
        <ul class="list" data-testid="outcomes">
          {outcomes.map((o) => (
            <li key={o.key} class={`row feed-${o.kind}`} title={o.batchId}>
              {[vehicleOf.get(o.batchId) ?? t('otherRoundVehicle'), stopOf.get(`${o.batchId}:${o.stopId}`), o.text].filter(Boolean).join(' · ')}
            </li>
          ))}
        </ul>
      </section>

      {proposal && <ProposalView proposal={proposal} names={gateNames} actuals={actuals} onChange={setProposal} />}

    </div>
  );
}
