/**
 * Outbound webhooks (issue #19, item 1): the admin API's bodies and answers, the delivered
 * payload, and the delivery job. What a webhook carries is a live event of src/contracts/events.ts
 * (the strict, ids-only schemas), so a receiver never gets more than the dispatch desk does.
 */
import { z } from 'zod';
import { liveEventSchema, type LiveEventType } from './events';

/** Every event type an endpoint may subscribe to: the live event catalogue. */
export const WEBHOOK_EVENT_TYPES = liveEventSchema.options.map((o) => o.shape.type.value) as [LiveEventType, ...LiveEventType[]];

/** Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const secret = z
  .string()
  .max(100)
  .regex(WEBHOOK_SECRET_PATTERN, 'whsec_ followed by base64 (Standard Webhooks)')
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the base64 part must decode to 24-64 bytes');

const url = z.string().min(1).max(2000).meta({ description: 'https URL of the receiver (http only for a host listed in WEBHOOK_ALLOW_HOSTS)', example: 'https://ops.example.org/cordon' });
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, 'each event type once');
const description = z.string().trim().min(1).max(200);

export const webhookCreateBody = z.strictObject({
  url,
  events,
  /** Given: used as is. Absent: one is generated and shown once, in this call's answer. */
  secret: secret.optional(),
  description: description.optional(),
});
export type WebhookCreateInput = z.infer<typeof webhookCreateBody>;

export const webhookPatchBody = z
  .strictObject({
    url: url.optional(),
    events: events.optional(),
    secret: secret.optional(),
    description: description.nullable().optional(),
    /** true: switch a disabled endpoint back on (its failure count reset, its pending events sent in order). */
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');
export type WebhookPatchInput = z.infer<typeof webhookPatchBody>;

export const webhookParams = z.strictObject({ webhookId: z.uuid() });
export const deliveryParams = z.strictObject({ webhookId: z.uuid(), deliveryId: z.string().regex(/^[1-9]\d{0,17}$/, 'a delivery id') });

export const DELIVERY_STATUSES = ['pending', 'delivered'] as const;
export const deliveriesQuery = z.strictObject({
  status: z.enum(DELIVERY_STATUSES).optional(),
  /** Paging: deliveries older than this delivery id. */
  before: z.string().regex(/^[1-9]\d{0,17}$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const isoTime = z.iso.datetime({ offset: true });

export const webhookView = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Failed attempts in a row; the endpoint is disabled at WEBHOOK_MAX_FAILURES. */
  consecutiveFailures: z.int(),
  disabledAt: isoTime.nullable(),
  disabledReason: z.string().nullable(),
  /** The secret is never shown again after creation: its prefix and last four characters only. */
  secretHint: z.string(),
  pendingCount: z.int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type WebhookView = z.infer<typeof webhookView>;

export const webhookCreated = webhookView.extend({
  /** The signing secret, shown this once. */
  secret: z.string(),
});
export const webhookList = z.object({ webhooks: z.array(webhookView) });

export const deliveryView = z.object({
  id: z.string(),
  eventId: z.uuid(),
  eventType: z.string(),
  occurredAt: isoTime,
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.int(),
  lastAttemptAt: isoTime.nullable(),
  /** HTTP status of the last attempt; null when it got no answer (refused, timed out, blocked address). */
  lastStatusCode: z.int().nullable(),
  lastLatencyMs: z.int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime.nullable(),
  deliveredAt: isoTime.nullable(),
  /** A manual redelivery: the delivery it repeats. */
  redeliveryOf: z.string().nullable(),
  createdAt: isoTime,
});
export type DeliveryView = z.infer<typeof deliveryView>;
export const deliveryList = z.object({ deliveries: z.array(deliveryView) });
export const redeliveryResult = z.object({ delivery: deliveryView });

/**
 * The body of each delivery: the event's id (also the `webhook-id` header, the same on every
 * retry and redelivery, so a receiver can drop duplicates), its type, when it was recorded, and its
 * payload: the live event's fields without `type`. One schema per event type, for the document.
 */
export const webhookPayloadSchema = z
  .discriminatedUnion(
    'type',
    (liveEventSchema.options as readonly z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>[]).map((o) =>
      z.strictObject({ id: z.uuid(), type: o.shape.type, occurredAt: isoTime, data: o.omit({ type: true }) }),
    ) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>, ...z.ZodObject<{ type: z.ZodLiteral<string> }>[]],
  )
  .meta({ id: 'WebhookPayload', description: 'A delivered event, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">)' });

/** The queue of deliveries and its one job: send the head of an endpoint's queue (see webhook-delivery.service.ts). */
export const WEBHOOK_QUEUE = 'webhooks';
export const WEBHOOK_JOB = 'webhook.deliver';
export const webhookJobData = z.strictObject({
  endpointId: z.uuid(),
  deliveryId: z.string().regex(/^[1-9]\d{0,17}$/),
  /** The head's attempts count when the job was made: part of the job id, so each attempt is one job. */
  attempt: z.int().nonnegative(),
  /**
   * The endpoint's `updatedAt` (ms) when the job was made: an admin's change (a fixed URL, switched
   * back on) makes the jobs of the old version stale, so the head is tried at once, not after the
   * backoff a delayed job of the old URL was waiting out.
   */
  generation: z.int().nonnegative(),
});
export type WebhookJobData = z.infer<typeof webhookJobData>;
