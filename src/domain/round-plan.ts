/**
 * A round's plan as the rest of Cordon sees it: trips per vehicle in departure order, stops in
 * order with the bags for each door, and the needs left unserved with a reason. The planning
 * adapters produce it, the store keeps it, the views show it.
 */
export interface PlanBag { bagId: string; needId: string; item: string }
export interface PlanStop { id?: string; corridorId: string; plannedStartS: number; bags: PlanBag[]; status?: string; urgent?: boolean; locked?: boolean }
export interface PlanTrip {
  id: string;
  vehicleId: string;
  depotId: string;
  driverId?: string | null;
  tripNo: number;
  subproblemId: string;
  distanceM: number;
  durationS: number;
  /** Leaves the depot, seconds from the round's start. Default 0. */
  departS?: number;
  stops: PlanStop[];
  /** A collection trip (waste round) ends unloading at this disposal site, starting at `startS` (s from the round's start). */
  unload?: { siteId: string; startS: number };
}
export interface PlanUnserved { needId: string; reason: string }
export interface Plan { trips: PlanTrip[]; unserved: PlanUnserved[] }

/**
 * What the allocation gave one need of a round (stored on round_needs.items): the items, each with the
 * component it stands in for when it is a substitute, and the depot it is reserved at once the plan is
 * stored; the optional components left out. The bag's manifest reads it.
 */
export interface NeedItems {
  lines: { item: string; quantity: number; for?: string; depotId?: string }[];
  leftOut: { item: string; quantity: number }[];
}

/** Why a need was left unserved for want of stock: the items short (units needed / could be had) and the depots tried. */
export interface StockShortDetail {
  short: { item: string; needed: number; available: number }[];
  depots: string[];
}
