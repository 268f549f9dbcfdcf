/**
 * The district on a Leaflet map. With a tile URL (setting TILE_URL, read from /api/web-config)
 * tiles are drawn underneath; without one the district is drawn from its own data alone (areas,
 * gates, depots, routes, vehicles: map-layers.ts), legible enough to dispatch from. The legend
 * below it names every colour drawn (map-legend.tsx).
 */
import type * as Leaflet from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import type { RiskSettings } from '../risk-badge';
import { drawAreas, drawDepots, drawRoutes, drawVehicles, type MapArea, type MapDepot, type MapRoute, type MapVehicle } from './map-layers';
import { MapLegend } from './map-legend';
import './map.css';

export type { MapArea, MapDepot, MapRoute, MapVehicle } from './map-layers';

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
interface Props { areas: MapArea[]; depots: MapDepot[]; routes: MapRoute[]; vehicles: MapVehicle[]; label: string; risk?: RiskSettings | null }

export function DistrictMap({ areas, depots, routes, vehicles, label, risk = null }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<Leaflet.Map | null>(null);
  const layer = useRef<Leaflet.LayerGroup | null>(null);
  const [L, setL] = useState<LeafletModule | null>(null);
  const [tiled, setTiled] = useState(false);
  const fitted = useRef(false);

  useEffect(() => {
    void loadLeaflet().then(setL);
  }, []);

  useEffect(() => {
    if (!el.current || !L) return;
    const m = L.map(el.current, { zoomControl: true, attributionControl: false, zoomSnap: 0.25 });
    m.setView([31.1865, 121.4365], 15);
    void tiles().then((url) => url && (L.tileLayer(url, { maxZoom: 19 }).addTo(m), setTiled(true)));
    layer.current = L.layerGroup().addTo(m);
    map.current = m;
    return () => m.remove();
  }, [L]);

  useEffect(() => {
    const m = map.current;
    const group = layer.current;
    if (!m || !group || !L) return;
    group.clearLayers();
    drawAreas(L, group, areas, risk);
    drawDepots(L, group, depots);
    drawRoutes(L, group, routes);
    drawVehicles(L, group, vehicles);
    // Once, when the gates are first known: after that the dispatcher's pan and zoom stay.
    const gates = areas.filter((a) => a.kind === 'corridor' && a.lat !== null && a.lon !== null).map((a) => [a.lat as number, a.lon as number] as [number, number]);
    if (!fitted.current && gates.length > 1) {
      m.fitBounds(gates, { padding: [32, 32], animate: false });
      fitted.current = true;
    }
  }, [L, areas, depots, routes, vehicles, risk]);

  return (
    <>
      <div ref={el} class={tiled ? 'map' : 'map map-untiled'} role="region" aria-label={label} data-testid="district-map" />
      <MapLegend risk={risk} routes={routes} />
    </>
  );
}
