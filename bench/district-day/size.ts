/**
 * The district day's size at `--scale s`: 1 is the district of issue #21 (137,000 households,
 * 5,000 corridors in ~120 communities, 4 depots, 300 vehicles; 30,000 medicine needs, 1,000 passes,
 * 200 emergencies, a socket per corridor and per driver); smaller scales shrink every count in
 * proportion, keeping at least one community, one vehicle per depot and a few of each event.
 */
export interface DaySize {
  households: number;
  corridors: number;
  communities: number;
  depots: number;
  vehicles: number;
  medicineNeeds: number;
  passes: number;
  emergencies: number;
}

export const FULL_DAY: DaySize = {
  households: 137_000, corridors: 5000, communities: 120, depots: 4, vehicles: 300, medicineNeeds: 30_000, passes: 1000, emergencies: 200,
};

export function daySize(scale: number): DaySize {
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${scale}`);
  const at = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    households: at(FULL_DAY.households, 200),
    corridors: at(FULL_DAY.corridors, 20),
    communities: at(FULL_DAY.communities, 2),
    depots: FULL_DAY.depots,
    vehicles: at(FULL_DAY.vehicles, 3 * FULL_DAY.depots),
    medicineNeeds: at(FULL_DAY.medicineNeeds, 40),
    passes: at(FULL_DAY.passes, 10),
    emergencies: at(FULL_DAY.emergencies, 5),
  };
}
