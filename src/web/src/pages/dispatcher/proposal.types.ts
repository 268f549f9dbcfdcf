import { t } from '../../i18n';

/** The proposal as GET /api/rounds/{id}/proposal answers it (src/contracts/rounds.contract.ts), the fields the desk reads. */
export interface Proposal {
  roundId: string;
  status: string;
  /** Minutes from midnight the shift starts at: plan times count seconds from it. */
  shiftStartMin: number;
  /** When the shift ends, seconds from its start. */
  shiftEndS: number;
  trips: Trip[];
  loadingList: { depotId: string; depotName: string; item: string; bags: number }[];
  unserved: { needId: string; reason: string; short?: { item: string; itemName: string }[] }[];
  allocation: Allocation | null;
  setPartitioning: { status: string; mergedCost: number; cost: number; elapsedMs: number } | null;
  packingChanges: { needId: string; bagIds: string[]; substituted: { item: string; for: string; quantity: number }[]; leftOut: { item: string; quantity: number }[] }[];
  /** Vehicles the round left out, by name: a truck whose last waste trip has no disinfection record (absent from older answers). */
  fleetNotes?: { vehicleId: string; vehicleName: string; reason: 'awaiting_disinfection' }[];
}

export interface Trip {
  id: string; vehicleId: string; depotId: string; vehicleName: string; vehiclePlate: string | null; depotName: string; driverName: string | null;
  tripNo: number; departS: number; distanceM: number; durationS: number;
  stops: Stop[];
  /** A waste trip unloads at this disposal site, from `startS` seconds after the round's start; absent or null for deliveries. */
  unload?: { siteId: string; siteName: string; startS: number } | null;
  /** A dispatched waste trip's chain of custody (issue #18, item 2); absent or null for deliveries. */
  custody?: {
    pickedKg: number; pickedBags: number; pickups: number;
    unload: { kg: number; pickedKg: number; discrepancy: number | null; flagged: boolean; unloadedAt: string } | null;
    disinfection: { agent: string; disinfectedAt: string } | null;
  } | null;
}

export interface Stop {
  id: string; seq: number; locked: boolean; corridorId: string; status: string; urgent: boolean; bags: { bagId: string; item: string }[];
  window: { fromS: number; untilS: number } | null; servedS: number; late: boolean; deadlineS: number | null; deadlineMissed: boolean;
}

export interface Allocation {
  method: 'lp' | 'greedy' | 'mixed';
  solver: string;
  elapsedMs: number;
  served: number;
  unserved: number;
  substituted: number;
  lines: { communityId: string; communityName: string; itemId: string; itemName: string; demand: number; allocated: number; substituted: number; leftOut: number; short: number; reasons: string[] }[];
}

/** What the desk saw happen at a stop since it was dispatched (live stop events): when, by stop id. */
export type Actuals = Record<string, { arrivedAt?: string; doneAt?: string }>;

/** Clock time of a plan time (seconds from the shift's start); the gate and the resident's page read plan times too. */
export { clock } from '../../ui/labels';

/** The trip's label a person reads: "Van 3 (沪A·61203) · Trip 1". */
export const tripName = (trip: Trip): string => `${trip.vehicleName} · ${t('trip', { n: trip.tripNo })}`;
