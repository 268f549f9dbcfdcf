/** A household: the unit that needs are registered for and deliveries are made to. */

export const INFECTION_STATUSES = ['none', 'close_contact', 'positive'] as const;
export type InfectionStatus = (typeof INFECTION_STATUSES)[number];

export interface Household {
  id: string;
  corridorId: string;
  communityId: string;
  address: string;
  members: number;
  elderlyAlone: boolean;
  cannotCook: boolean;
  chronicIllness: boolean;
  infectionStatus: InfectionStatus;
  lat: number;
  lon: number;
}

/** Positive cases and close contacts get contactless hand-over by staff in protective gear. */
export function needsProtectiveHandling(h: Pick<Household, 'infectionStatus'>): boolean {
  return h.infectionStatus !== 'none';
}

/**
 * Bags a household's food package is packed in: one per three people. The package itself is one
 * per household per cycle; its contents are the kit variant for the household's size (the catalogue
 * scales them), so this counts what the crew carries, never how many packages are handed out.
 */
export const PEOPLE_PER_FOOD_PACKAGE = 3;

export function foodPackagesFor(members: number): number {
  return Math.max(1, Math.ceil(members / PEOPLE_PER_FOOD_PACKAGE));
}
