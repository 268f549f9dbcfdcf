/**
 * The kind names the web app needs at run time, without zod (the app bundles what it imports):
 * need kinds, round kinds and round statuses, from src/domain/kinds.ts.
 */
export { NEED_KINDS, ROUND_KINDS, ROUND_STATUSES, type NeedKind, type RoundKind, type RoundStatus } from '../domain/kinds';
