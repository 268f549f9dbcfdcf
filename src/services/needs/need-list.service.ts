/**
 * The needs list of a community (issue #17, item 3): the records behind the overview's need
 * figures. Community staff of that community, dispatchers and admins; anyone else is refused,
 * audited (a community is a whole, not a list filter: the path names it). Rows never carry
 * details, so the read needs no audited medical read.
 */
import type { NeedListQuery, NeedListResponse } from '../../contracts/need-list.contract';
import { NEED_KINDS, needKindSpec } from '../../domain/need-kinds';
import type { Db } from '../../store/db';
import { listCommunityNeeds } from '../../store/need-list.repository';
import type { Access } from '../access/authorization.service';

/** Kinds whose free-text failure reasons may hold medical words: left out of the rows. */
const MEDICAL_KINDS = NEED_KINDS.filter((k) => needKindSpec(k).medicalFields.length > 0);

export async function communityNeedList(db: Db, access: Access, communityId: string, q: NeedListQuery): Promise<NeedListResponse> {
  await access.community(communityId, 'community.needs.read');
  // One more than asked tells whether a next page exists without a count over every need.
  const rows = await listCommunityNeeds(db, {
    communityId, kinds: q.kind, statuses: q.status, cycle: q.cycle, unservedReason: q.unservedReason, failureReason: q.failureReason,
    since: q.since ? new Date(q.since) : undefined, medicalKinds: MEDICAL_KINDS, limit: q.limit + 1, offset: q.offset,
  });
  return {
    needs: rows.slice(0, q.limit).map((r) => ({
      id: r.id, kind: r.kind, status: r.status, urgency: r.urgency, corridorId: r.corridorId, corridorName: r.corridorName, address: r.address,
      createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(), failureReason: r.failureReason, unservedReason: r.unservedReason,
    })),
    nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
  };
}
