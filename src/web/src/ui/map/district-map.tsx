/**
 * The district on a Leaflet map. With a tile URL (setting TILE_URL, read from /api/web-config) tiles
 * are drawn underneath; without one the map is vector layers on a plain background: areas as
 * circles in the district's configured risk colours, control status as the outline (solid, dashed, dotted), routes as lines, vehicles as dots.
 */
import type * as Leaflet from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { levelColour, riskText, statusDash, type RiskSettings } from './risk-badge';

export interface MapArea { id: string; name: string; kind: string; lat: number | null; lon: number | null; riskColour: string; controlStatus: string }
export interface MapRoute { id: string; label: string; points: [number, number][] }
/** A vehicle's live position; `label`: what its marker says (vehicle, plate and trip), else its id. */
export interface MapVehicle { id: string; lat: number; lon: number; label?: string }

const ROUTE_COLOURS = ['#1f4e79', '#8e44ad', '#e67e22', '#16a085', '#c0392b', '#2c3e50', '#7f8c8d'];

type LeafletModule = typeof Leaflet;
let leaflet: Promise<LeafletModule> | null = null;
/** Leaflet (and its CSS) load with the dispatch desk only: phones on other pages never fetch them. */
function loadLeaflet(): Promise<LeafletModule> {
  leaflet ??= Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')]).then(([m]) => ((m as { default?: LeafletModule }).default ?? m) as LeafletModule);
  return leaflet;
}

let tileUrl: Promise<string | null> | null = null;
function tiles(): Promise<string | null> {
  tileUrl ??= api<{ tileUrl: string | null }>('/api/web-config').then((c) => c.tileUrl, () => null);
  return tileUrl;
}

/** `risk`: the district's configured statuses and levels (colours, labels); areas are grey until it loads. */
interface Props { areas: MapArea[]; routes: MapRoute[]; vehicles: MapVehicle[]; label: string; risk?: RiskSettings | null }

export function DistrictMap({ areas, routes, vehicles, label, risk = null }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<Leaflet.Map | null>(null);
  const layer = useRef<Leaflet.LayerGroup | null>(null);
  const [L, setL] = useState<LeafletModule | null>(null);

  useEffect(() => {
    void loadLeaflet().then(setL);
  }, []);

  useEffect(() => {
    if (!el.current || !L) return;
    const m = L.map(el.current, { zoomControl: true, attributionControl: false, preferCanvas: false });
    m.setView([31.1865, 121.4365], 15);
    void tiles().then((url) => url && L.tileLayer(url, { maxZoom: 19 }).addTo(m));
    layer.current = L.layerGroup().addTo(m);
    map.current = m;
    return () => m.remove();
  }, [L]);

  useEffect(() => {
    const m = map.current;
    const group = layer.current;
    if (!m || !group || !L) return;
    group.clearLayers();
    
    for (const a of areas) {
      if (a.lat === null || a.lon === null) continue;

      const big = a.kind === 'community' || a.kind === 'street';
      const colour = levelColour(risk, a.riskColour);
      const opts: Leaflet.CircleMarkerOptions = { color: colour, fillColor: colour, fillOpacity: big ? 0.12 : 0.6, weight: big ? 2 : 1 };
      const dash = statusDash(risk, a.controlStatus);
      if (dash) opts.dashArray = dash;
      const shape = big ? L.circle([a.lat, a.lon], { ...opts, radius: a.kind === 'street' ? 450 : 220 }) : L.circleMarker([a.lat, a.lon], { ...opts, radius: 5 });
      shape.bindTooltip(`${a.name} · ${riskText(risk, a)}`).addTo(group);
    }
    routes.forEach((r, i) => {
      if (r.points.length < 2) return;
      L.polyline(r.points, { color: ROUTE_COLOURS[i % ROUTE_COLOURS.length], weight: 4, opacity: 0.85 }).bindTooltip(r.label).addTo(group);
    });
    for (const v of vehicles) {
      L.circleMarker([v.lat, v.lon], { radius: 9, color: '#000', fillColor: '#fff', fillOpacity: 1, weight: 3 }).bindTooltip(v.label ?? v.id).addTo(group);
    }
  }, [L, areas, routes, vehicles, risk]);

  useEffect(() => {
    const pts = areas.filter((a) => a.lat !== null && a.lon !== null).map((a) => [a.lat as number, a.lon as number] as [number, number]);
    if (pts.length > 1) map.current?.fitBounds(pts, { padding: [20, 20] });
  }, [L, areas.length]);

  return <div ref={el} class="map" role="region" aria-label={label} />;
}
