/**
 * Accounts in bulk from the grid (issue #15, item 5): which unit-chief and staff accounts an area
 * still lacks. Pure: the service loads the corridors, communities and existing accounts, this
 * decides, the service creates. Running it again on the same grid plans nothing new.
 */

/** A corridor of the area, with its community (a chief's corridors never span two communities). */
export interface BulkCorridor {
  id: string;
  name: string;
  communityId: string;
}

export interface BulkCommunity {
  id: string;
  name: string;
}

export interface BulkOptions {
  /** Corridors per unit-chief account (default 1): a chief per 30-50 households is one to a few gates. */
  corridorsPerChief: number;
  /** Staff accounts each community should have (default 1); communities with as many already get none. */
  staffPerCommunity: number;
}

export type PlannedAccount =
  | { role: 'coordinator'; communityId: string; corridorIds: string[] }
  | { role: 'community_staff'; communityId: string; seat: number };

/**
 * The accounts to create: the corridors no unit chief holds yet, per community in name order, in
 * groups of `corridorsPerChief`; and the staff each community still lacks.
 * @param covered corridors that already have a unit chief (any account, disabled included: an
 *   admin re-enables or reassigns it; a second chief for the same gate is never made here)
 * @param staffCount staff accounts each community has now
 */
export function planBulkAccounts(
  corridors: readonly BulkCorridor[],
  communities: readonly BulkCommunity[],
  covered: ReadonlySet<string>,
  staffCount: ReadonlyMap<string, number>,
  options: BulkOptions,
): PlannedAccount[] {
  const byCommunity = new Map<string, BulkCorridor[]>();
  for (const c of corridors) {
    if (covered.has(c.id)) continue;
    const list = byCommunity.get(c.communityId) ?? [];
    list.push(c);
    byCommunity.set(c.communityId, list);
  }
  const planned: PlannedAccount[] = [];
  const order = [...communities].sort(byName);
  for (const community of order) {
    const open = (byCommunity.get(community.id) ?? []).sort(byName);
    for (let i = 0; i < open.length; i += options.corridorsPerChief) {
      planned.push({ role: 'coordinator', communityId: community.id, corridorIds: open.slice(i, i + options.corridorsPerChief).map((c) => c.id) });
    }
    const have = staffCount.get(community.id) ?? 0;
    for (let seat = have + 1; seat <= options.staffPerCommunity; seat++) planned.push({ role: 'community_staff', communityId: community.id, seat });
  }
  return planned;
}

const collator = new Intl.Collator('zh-Hans-CN', { numeric: true });
const byName = (a: { name: string; id: string }, b: { name: string; id: string }): number => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A username for a planned account: ASCII (names are Chinese, usernames are typed on any phone),
 * derived from the ids it serves so it says where it belongs: `uc.` and the first corridor's id,
 * `staff.` and the community's with the seat. `extra` lengthens the id part when that is taken.
 */
export function bulkUsername(account: PlannedAccount, extra = 0): string {
  const hex = (id: string) => id.replace(/-/g, '').slice(0, 10 + extra);
  return account.role === 'coordinator' ? `uc.${hex(account.corridorIds[0] ?? '')}` : `staff.${hex(account.communityId)}.${account.seat}`;
}
