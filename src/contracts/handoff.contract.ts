/** Bodies and path parameters of the handover at a corridor's gate. */
import { z } from 'zod';
import { STOP_FAILURE_REASONS } from './events';

export const gateStopParams = z.strictObject({ corridorId: z.uuid(), stopId: z.string().regex(/^\d{1,18}$/) });
export const gateHouseholdParams = gateStopParams.extend({ householdId: z.uuid() });

export const handoffBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, { error: 'six digits' }) });
export const householdFailedBody = z.strictObject({ reason: z.enum(STOP_FAILURE_REASONS) });

export const handoffResponse = z.object({ status: z.literal('delivered') });
export const householdFailedResponse = z.object({ failed: z.int().nonnegative() });
