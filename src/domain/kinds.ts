/**
 * The names of the kinds Cordon knows, as plain lists (no zod), so the web app can import them too.
 * What each kind means lives in one place per kind family: need-kinds.ts (a Record over NEED_KINDS)
 * and round.ts (a Record over ROUND_KINDS); the compiler names every place that must decide
 * something about a kind added here.
 */

export const NEED_KINDS = ['food_package', 'medicine', 'boxed_meal', 'gas', 'rice', 'oil', 'medical_pass', 'waste_pickup'] as const;
export type NeedKind = (typeof NEED_KINDS)[number];

export const ROUND_KINDS = ['food', 'medicine', 'mixed', 'waste'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

export const ROUND_STATUSES = ['draft', 'planning', 'proposed', 'approved', 'dispatched', 'in_progress', 'completed', 'failed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const URGENCIES = ['routine', 'today', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];
