/** Bulk account planning (pure) and the account sheet's font: what is missing, and a clear error without a CJK font. */
import { describe, expect, it } from 'vitest';
import { bulkUsername, planBulkAccounts } from '../../src/domain/account-bulk';
import { resolveSheetFont } from '../../src/services/access/account-sheet.pdf';
import { AppError } from '../../src/shared/errors';

const corridors = [
  { id: 'c-3', name: '3单元', communityId: 'm1' },
  { id: 'c-1', name: '1单元', communityId: 'm1' },
  { id: 'c-10', name: '10单元', communityId: 'm1' },
  { id: 'c-2', name: '2单元', communityId: 'm1' },
  { id: 'c-x', name: '1单元', communityId: 'm2' },
];
const communities = [{ id: 'm2', name: '乙社区' }, { id: 'm1', name: '甲社区' }];

describe('planBulkAccounts', () => {
  it('groups the uncovered corridors of each community in name order (numbers numerically), never across communities', () => {
    const plan = planBulkAccounts(corridors, communities, new Set(['c-2']), new Map(), { corridorsPerChief: 2, staffPerCommunity: 0 });
    expect(plan).toEqual(
      expect.arrayContaining([
        { role: 'coordinator', communityId: 'm1', corridorIds: ['c-1', 'c-3'] },
        { role: 'coordinator', communityId: 'm1', corridorIds: ['c-10'] },
        { role: 'coordinator', communityId: 'm2', corridorIds: ['c-x'] },
      ]),
    );
    expect(plan).toHaveLength(3);
  });

  it('plans only the staff seats a community lacks, and nothing once everything is there', () => {
    const staff = planBulkAccounts([], communities, new Set(), new Map([['m1', 1]]), { corridorsPerChief: 1, staffPerCommunity: 2 });
    expect(staff.filter((p) => p.communityId === 'm1')).toEqual([{ role: 'community_staff', communityId: 'm1', seat: 2 }]);
    expect(staff.filter((p) => p.communityId === 'm2')).toHaveLength(2);
    const all = new Set(corridors.map((c) => c.id));
    expect(planBulkAccounts(corridors, communities, all, new Map([['m1', 2], ['m2', 2]]), { corridorsPerChief: 1, staffPerCommunity: 2 })).toEqual([]);
  });

  it('usernames are ASCII, from the ids served, longer on request', () => {
    const chief = { role: 'coordinator' as const, communityId: 'm', corridorIds: ['3f2a9c1b-04e7-4a1b-8c2d-1234567890ab'] };
    expect(bulkUsername(chief)).toBe('uc.3f2a9c1b04');
    expect(bulkUsername(chief, 2)).toBe('uc.3f2a9c1b04e7');
    expect(bulkUsername({ role: 'community_staff', communityId: '0a1b2c3d-0000-4000-8000-000000000000', seat: 2 })).toBe('staff.0a1b2c3d00.2');
  });
});

describe('resolveSheetFont', () => {
  it('refuses with 503 naming the file when the configured font is missing', () => {
    try {
      resolveSheetFont('/nonexistent/font.ttf');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('unavailable');
      expect((err as AppError).message).toContain('/nonexistent/font.ttf');
    }
  });
});
