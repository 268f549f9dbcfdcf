/**
 * What the district map draws, layer by layer, into a Leaflet layer group: areas (their uploaded
 * outline, else the padded hull of their gates) filled in their risk level's colour and outlined in
 * their control status' colour and dash; gates as dots; depots as squares; each trip's route from
 * its depot and back with arrows on its legs and its stops numbered; live vehicles. Labels are DOM
 * text (never HTML strings), so a name cannot inject markup.
 */
import type * as Leaflet from 'leaflet';
import type { Geometry } from 'geojson';
import { levelColour, riskText, statusColour, statusDash, type RiskSettings } from '../risk-badge';
import { distanceM, midpoint, paddedOutline, screenAngle, type LatLon } from './map-geometry';

export interface MapArea { id: string; name: string; kind: string; parentId: string | null; communityId?: string | null; lat: number | null; lon: number | null; riskColour: string; controlStatus: string; outline?: Geometry | null }
export interface MapDepot { id: string; name: string; lat: number; lon: number }
/** A trip's route: `points` from the depot through its stops and back; `stops` numbered in order. */
export interface MapRoute { id: string; label: string; colour: string; points: LatLon[]; stops: { at: LatLon; n: number; label: string }[] }
/** A vehicle's live position; `label`: what its marker says (vehicle, plate and trip). */
export interface MapVehicle { id: string; lat: number; lon: number; label?: string }

type L = typeof Leaflet;

export const text = (s: string): HTMLElement => Object.assign(document.createElement('span'), { textContent: s });

/** Areas and the gates inside them: a community's own, a street's through its communities, the district's all. */
function gatesOf(areas: MapArea[]): Map<string, LatLon[]> {
  const parent = new Map(areas.map((a) => [a.id, a.parentId]));
  const out = new Map<string, LatLon[]>();
  for (const g of areas) {
    if (g.kind !== 'corridor' || g.lat === null || g.lon === null) continue;
    for (let id = g.communityId ?? null; id; id = parent.get(id) ?? null) out.set(id, [...(out.get(id) ?? []), [g.lat, g.lon]]);
  }
  return out;
}

/** Fill strength by kind: nested areas stack, so the outer ones stay faint. */
const FILL: Record<string, number> = { district: 0.05, street: 0.1, community: 0.35 };
const PAD_M: Record<string, number> = { district: 160, street: 110, community: 60 };

export function drawAreas(L: L, group: Leaflet.LayerGroup, areas: MapArea[], risk: RiskSettings | null): void {
  const gates = gatesOf(areas);
  for (const a of areas.filter((x) => x.kind !== 'corridor')) {
    const fill = levelColour(risk, a.riskColour);
    const dash = statusDash(risk, a.controlStatus);
    const style: Leaflet.PathOptions = { color: statusColour(risk, a.controlStatus), weight: a.kind === 'community' ? 2 : 3, fillColor: fill, fillOpacity: FILL[a.kind] ?? 0.2, ...(dash ? { dashArray: dash } : {}) };
    const shape = a.outline ? L.geoJSON(a.outline, { style }) : L.polygon(paddedOutline(gates.get(a.id) ?? (a.lat !== null && a.lon !== null ? [[a.lat, a.lon]] : []), PAD_M[a.kind] ?? 40), style);
    shape.bindTooltip(text(`${a.name} · ${riskText(risk, a)}`), { sticky: true }).addTo(group);
    if (a.kind === 'community' && a.lat !== null && a.lon !== null) L.tooltip({ permanent: true, direction: 'center', className: 'map-label' }).setLatLng([a.lat, a.lon]).setContent(text(a.name)).addTo(group);
  }
  for (const g of areas.filter((x) => x.kind === 'corridor' && x.lat !== null && x.lon !== null)) {
    L.circleMarker([g.lat as number, g.lon as number], { radius: 4, color: '#1b1f24', weight: 1, fillColor: levelColour(risk, g.riskColour), fillOpacity: 1 }).bindTooltip(text(`${g.name} · ${riskText(risk, g)}`)).addTo(group);
  }
}

export function drawDepots(L: L, group: Leaflet.LayerGroup, depots: MapDepot[]): void {
  for (const d of depots) {
    L.marker([d.lat, d.lon], { icon: L.divIcon({ className: 'map-depot', iconSize: [16, 16] }), keyboard: false }).bindTooltip(text(d.name)).addTo(group);
  }
}

/** Arrows on legs longer than this: shorter ones (gates of one building) would be all arrow. */
const ARROW_MIN_M = 60;

export function drawRoutes(L: L, group: Leaflet.LayerGroup, routes: MapRoute[]): void {
  for (const r of routes) {
    if (r.points.length < 2) continue;
    L.polyline(r.points, { color: r.colour, weight: 4, opacity: 0.9 }).bindTooltip(text(r.label), { sticky: true }).addTo(group);
    r.points.slice(1).forEach((b, i) => {
      const a = r.points[i] as LatLon;
      if (distanceM(a, b) < ARROW_MIN_M) return;
      const arrow = L.marker(midpoint(a, b), { icon: L.divIcon({ className: 'map-arrow', iconSize: [14, 14] }), keyboard: false, interactive: false }).addTo(group);
      // The turn is a custom property the stylesheet applies (the CSP allows no inline style attribute).
      const el = arrow.getElement();
      el?.style.setProperty('--turn', `${screenAngle(a, b)}deg`);
      el?.style.setProperty('--route', r.colour);
    });
    for (const s of r.stops) {
      const m = L.marker(s.at, { icon: L.divIcon({ className: 'map-stop', html: text(String(s.n)), iconSize: [20, 20] }), keyboard: false }).bindTooltip(text(`${r.label} · ${s.n}. ${s.label}`)).addTo(group);
      m.getElement()?.style.setProperty('--route', r.colour);
    }
  }
}

export function drawVehicles(L: L, group: Leaflet.LayerGroup, vehicles: MapVehicle[]): void {
  for (const v of vehicles) {
    L.circleMarker([v.lat, v.lon], { radius: 9, color: '#000', fillColor: '#fff', fillOpacity: 1, weight: 3 }).bindTooltip(text(v.label ?? '')).addTo(group);
  }
}
