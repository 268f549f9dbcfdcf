/** Query and path shapes of a round's printed paper (issue #17, item 5): route sheets, loading lists, bag labels. */
import { z } from 'zod';

const lang = z.enum(['en', 'zh-CN']).optional().describe('Language of the paper; default: from Accept-Language (Chinese or English), else English');
const tripId = z.string().min(1).max(200);

export const roundTripParams = z.strictObject({ roundId: z.uuid(), tripId });
export const routeSheetQuery = z.strictObject({ lang });
export const loadingListQuery = z.strictObject({ depotId: z.uuid().optional().describe('Only this depot’s list; none: a list per depot the round loads at, each from a new page'), lang });
export const bagLabelsQuery = z.strictObject({ tripId: tripId.optional().describe('Only this trip’s bags; none: every bag of the round'), lang });
