/**
 * Waste collection (issue #18, item 1): disposal sites, and waste pickup requests, which are needs
 * of a corridor (kind waste_pickup, no household: migration 0028) so the round flow claims, plans,
 * dispatches and closes them like any need.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export interface DisposalSite {
  id: string;
  name: string;
  lat: number;
  lon: number;
  /** Opening hours, minutes from midnight; null: always open. */
  opensMin: number | null;
  closesMin: number | null;
  capacityKg: number;
  unloadMinutes: number;
  active: boolean;
}

export type DisposalSiteFields = Omit<DisposalSite, 'id' | 'active'>;

type SiteRow = {
  id: string; name: string; lat: number; lon: number; opens_min: number | null; closes_min: number | null;
  capacity_kg: number; unload_minutes: number; active: boolean;
};

const toSite = (r: SiteRow): DisposalSite => ({
  id: r.id, name: r.name, lat: Number(r.lat), lon: Number(r.lon), opensMin: r.opens_min, closesMin: r.closes_min,
  capacityKg: Number(r.capacity_kg), unloadMinutes: r.unload_minutes, active: r.active,
});

export async function insertDisposalSite(db: Db, f: DisposalSiteFields): Promise<DisposalSite> {
  const res = await sql<SiteRow>`
    insert into disposal_sites (name, lat, lon, opens_min, closes_min, capacity_kg, unload_minutes)
    values (${f.name}, ${f.lat}, ${f.lon}, ${f.opensMin}, ${f.closesMin}, ${f.capacityKg}, ${f.unloadMinutes})
    returning *`.execute(db);
  return toSite(res.rows[0]!);
}

export async function listDisposalSites(db: Db, activeOnly = false): Promise<DisposalSite[]> {
  const res = await sql<SiteRow>`select * from disposal_sites where ${activeOnly ? sql`active` : sql`true`} order by name, id`.execute(db);
  return res.rows.map(toSite);
}

/** A site as a collection round plans with it (the planning adapter's SiteForPlan). */
export interface SiteInRound { id: string; lat: number; lon: number; opensMin: number | null; closesMin: number | null; capacityKg: number; unloadS: number }

/** The active sites as a collection round plans with them, and those named in `also` (a stored plan's, active or not). */
export async function sitesForPlan(db: Db, also: readonly string[] = []): Promise<SiteInRound[]> {
  return (await listDisposalSites(db)).filter((s) => s.active || also.includes(s.id)).map((s) => ({
    id: s.id, lat: s.lat, lon: s.lon, opensMin: s.opensMin, closesMin: s.closesMin, capacityKg: s.capacityKg, unloadS: 60 * s.unloadMinutes,
  }));
}

/** Site names by id (views show names, not ids). */
export async function siteNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const res = await sql<{ id: string; name: string }>`select id, name from disposal_sites where id in (${sql.join([...new Set(ids)])})`.execute(db);
  return new Map(res.rows.map((r) => [r.id, r.name]));
}

export interface WasteRequest {
  id: string;
  corridorId: string;
  communityId: string;
  status: string;
  details: { bags: number; estimatedKg: number; category: string; notes?: string };
  createdBy: string;
  createdAt: Date;
}

type RequestRow = { id: string; corridor_id: string; community_id: string; status: string; details: WasteRequest['details']; created_by: string; created_at: Date };

const toRequest = (r: RequestRow): WasteRequest => ({
  id: r.id, corridorId: r.corridor_id, communityId: r.community_id, status: r.status, details: r.details, createdBy: r.created_by, createdAt: new Date(r.created_at),
});

/**
 * Records a corridor's pickup request as an accepted need (with its history). A request of the same
 * category still open and not yet on a round is the same request: its details are replaced (the unit
 * chief asking again with today's count). `created`: false when it replaced one or one was already planned.
 */
export async function upsertWasteRequest(
  db: Db, r: { corridorId: string; communityId: string; identityKey: string; details: Record<string, unknown>; priority: number; actor: string; at: Date },
): Promise<{ request: WasteRequest; created: boolean }> {
  // One statement (need and its history together), so it runs in the caller's transaction or alone.
  const res = await sql<RequestRow & { inserted: boolean }>`
    with n as (
      insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, urgency, priority, created_by, created_at, updated_at)
      values (null, ${r.corridorId}, ${r.communityId}, 'waste_pickup', ${r.identityKey}, ${JSON.stringify(r.details)}::jsonb, 'accepted', 'routine', ${r.priority}, ${r.actor}, ${r.at}, ${r.at})
      on conflict (corridor_id, kind, identity_key) where household_id is null and status in ('submitted', 'accepted', 'planned', 'out_for_delivery')
      do update set details = excluded.details, updated_at = excluded.updated_at where needs.status = 'accepted'
      returning id, corridor_id, community_id, status, details, created_by, created_at, (xmax = 0) as inserted
    ),
    h as (
      insert into need_status_history (need_id, from_status, to_status, actor, at)
      select n.id, v.f, v.t, ${r.actor}, ${r.at}::timestamptz from n cross join (values (1, null::text, 'submitted'), (2, 'submitted', 'accepted')) as v(step, f, t)
      where n.inserted order by v.step
    )
    select * from n`.execute(db);
  const row = res.rows[0];
  if (row) return { request: toRequest(row), created: row.inserted };
  // Already on a round: the open request stands as planned.
  const open = await sql<RequestRow>`
    select id, corridor_id, community_id, status, details, created_by, created_at from needs
    where household_id is null and corridor_id = ${r.corridorId} and kind = 'waste_pickup' and identity_key = ${r.identityKey}
      and status in ('submitted', 'accepted', 'planned', 'out_for_delivery')`.execute(db);
  return { request: toRequest(open.rows[0]!), created: false };
}

/** Open waste requests (not yet collected) in the given corridors or communities (neither: all), oldest first. */
export async function listOpenWasteRequests(
  db: Db, filter: { corridorIds?: readonly string[]; communityIds?: readonly string[] }, limit: number, offset: number,
): Promise<WasteRequest[]> {
  const where = filter.corridorIds ? (filter.corridorIds.length ? sql`and corridor_id in (${sql.join(filter.corridorIds)})` : null)
    : filter.communityIds ? (filter.communityIds.length ? sql`and community_id in (${sql.join(filter.communityIds)})` : null) : sql``;
  if (!where) return [];
  const res = await sql<RequestRow>`
    select id, corridor_id, community_id, status, details, created_by, created_at from needs
    where kind = 'waste_pickup' and status in ('submitted', 'accepted', 'planned', 'out_for_delivery') ${where}
    order by created_at, id limit ${limit} offset ${offset}`.execute(db);
  return res.rows.map(toRequest);
}
