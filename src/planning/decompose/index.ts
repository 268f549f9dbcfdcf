/** Scale by decomposition: cut a district into sub-problems, solve each anywhere, merge and repair. */
export type { DistrictProblem, DecomposeOptions, SubProblem, SubSolution } from './decompose.types';
export { decomposeDistrict, DEFAULT_MAX_STOPS } from './subproblem.build';
export { mergeSubSolutions, mergeAndRepair, type MergedPlan } from './merge';
export { repairBorders, type RepairOptions, type RepairReport } from './border.repair';
