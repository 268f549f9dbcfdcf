/**
 * What the desk's map is drawn from: the gates (GET /api/corridors), their communities, streets
 * and district (GET /api/areas/{id}, with an uploaded outline when there is one), and the depots.
 * Gates are named with their community: every community has its "Building 1 Unit 1".
 */
import { api } from '../../api';
import type { MapArea, MapDepot, MapRoute } from '../../ui/map/district-map';
import type { LatLon } from '../../ui/map/map-geometry';
import { tripName, type Proposal } from './proposal.types';

export type Gate = MapArea & { communityId: string; lat: number | null; lon: number | null };
export interface District { areas: MapArea[]; corridors: Gate[]; depots: MapDepot[] }

async function areasById(ids: (string | null)[]): Promise<MapArea[]> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  return Promise.all(unique.map((id) => api<{ area: MapArea; outline?: MapArea['outline'] }>(`/api/areas/${id}`).then((r) => ({ ...r.area, outline: r.outline ?? null }))));
}

export async function loadDistrict(): Promise<District> {
  const [{ areas: corridors }, depots] = await Promise.all([
    api<{ areas: Gate[] }>('/api/corridors'),
    api<{ depots: (MapDepot & { active: boolean })[] }>('/api/depots').then((r) => r.depots.filter((d) => d.active), () => []),
  ]);
  const communities = await areasById(corridors.map((c) => c.communityId));
  const streets = await areasById(communities.map((c) => c.parentId));
  const districts = await areasById(streets.map((s) => s.parentId));
  return { areas: [...districts, ...streets, ...communities], corridors, depots };
}

export function gateNames(areas: MapArea[], corridors: Gate[]): Map<string, string> {
  const community = new Map(areas.map((a) => [a.id, a.name]));
  return new Map(corridors.map((c) => [c.id, community.has(c.communityId) ? `${community.get(c.communityId)} · ${c.name}` : c.name]));
}

/** Route colours: none of them a risk level's (red, orange, yellow, blue, green), so a route never reads as a risk. */
export const ROUTE_COLOURS = ['#1f4e79', '#6a3d9a', '#00838f', '#5d4037', '#c2185b', '#37474f', '#283593', '#827717'];

/** Each trip from its depot through its stops and back, its stops numbered as the driver serves them. */
export function routesOf(proposal: Proposal | null, corridors: Gate[], depots: MapDepot[], names: Map<string, string>): MapRoute[] {
  const where = new Map(corridors.map((c) => [c.id, c]));
  const depot = new Map(depots.map((d) => [d.id, [d.lat, d.lon] as LatLon]));
  return (proposal?.trips ?? []).map((trip, i) => {
    const stops = trip.stops.flatMap((s) => {
      const g = where.get(s.corridorId);
      return g && g.lat !== null && g.lon !== null ? [{ at: [g.lat, g.lon] as LatLon, n: s.seq + 1, label: names.get(s.corridorId) ?? g.name }] : [];
    });
    const home = depot.get(trip.depotId);
    return { id: trip.id, label: tripName(trip), colour: ROUTE_COLOURS[i % ROUTE_COLOURS.length] as string, stops, points: [...(home ? [home] : []), ...stops.map((s) => s.at), ...(home ? [home] : [])] };
  });
}
