/**
 * Live scopes: the Socket.IO rooms events are published to, one grammar shared by the server,
 * the publishers and the web app. A scope is `kind:id` or the bare `dispatch` desk.
 */
import { z } from 'zod';

export const SCOPE_KINDS = ['corridor', 'community', 'batch', 'household', 'session', 'driver'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** Ids as they travel in scopes: uuids or slugs (a batch is `<roundId>_<tripId>`), never ':' or spaces. */
const scopeId = /^[A-Za-z0-9_-]{1,128}$/;

export type Scope = `${ScopeKind}:${string}` | 'dispatch';

export const scopeSchema = z
  .string()
  .max(150)
  .refine((s): s is Scope => parseScope(s) !== null, { error: 'scope: dispatch or corridor|community|batch|household|session|driver:<id>' })
  .transform((s) => s as Scope);

export type ParsedScope = { kind: 'dispatch' } | { kind: ScopeKind; id: string };

export function parseScope(value: string): ParsedScope | null {
  if (value === 'dispatch') return { kind: 'dispatch' };
  const colon = value.indexOf(':');
  if (colon < 0) return null;
  const kind = value.slice(0, colon);
  const id = value.slice(colon + 1);
  if (!(SCOPE_KINDS as readonly string[]).includes(kind) || !scopeId.test(id)) return null;
  return { kind: kind as ScopeKind, id };
}

export const scope = {
  corridor: (id: string): Scope => `corridor:${id}`,
  community: (id: string): Scope => `community:${id}`,
  batch: (id: string): Scope => `batch:${id}`,
  household: (id: string): Scope => `household:${id}`,
  session: (id: string): Scope => `session:${id}`,
  /** One driver's batches as a whole: new, changed or removed trips (a batch scope follows one known trip). */
  driver: (driverId: string): Scope => `driver:${driverId}`,
  dispatch: 'dispatch' as Scope,
};

/**
 * A driver's batch is one trip of a delivery round: `<roundId>_<tripId>` (round ids are uuids,
 * which have no '_', so the first '_' separates them).
 */
export function batchId(roundId: string, tripId: string): string {
  return `${roundId}_${tripId}`;
}

export function parseBatchId(value: string): { roundId: string; tripId: string } | null {
  const cut = value.indexOf('_');
  if (cut !== 36) return null;
  return { roundId: value.slice(0, cut), tripId: value.slice(cut + 1) };
}
