/** OpenAPI entries of the outbound webhooks (webhooks.routes.ts), and the delivered request itself. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  deliveriesQuery, deliveryList, deliveryParams, redeliveryResult, webhookCreateBody, webhookCreated, webhookList, webhookParams, webhookPatchBody,
  webhookPayloadSchema, webhookView,
} from '../contracts/webhooks.contract';
import { errors, json, jsonBody, problem, type AddRoute } from './openapi-kit';
import { WEBHOOK_PATHS } from './routes/webhooks.routes';

const ssrf = problem('Invalid fields, each named; `url` is refused when it is not https, carries credentials, or names or resolves to a loopback, private, link-local, unique-local or multicast address (unless its host is in WEBHOOK_ALLOW_HOSTS)');

export function registerWebhookRoutes(route: AddRoute, registry: OpenAPIRegistry): void {
  route('get', WEBHOOK_PATHS.list, 'The outbound webhook endpoints (admins); secrets are shown as a hint only', {
    responses: { 200: json(webhookList, 'Endpoints'), ...errors },
  });
  route('post', WEBHOOK_PATHS.list, 'Register an endpoint (admins): the URL, the live event types it receives, and optionally its Standard Webhooks secret (generated when absent and returned this once)', {
    request: { body: jsonBody(webhookCreateBody) },
    responses: { 201: json(webhookCreated, 'Registered; `secret` is never shown again'), ...errors, 422: ssrf },
  });
  route('patch', WEBHOOK_PATHS.one, 'Change an endpoint (admins): URL, events, secret, description; `enabled: true` switches a disabled one back on (its pending events are sent in order)', {
    request: { params: webhookParams, body: jsonBody(webhookPatchBody) },
    responses: { 200: json(webhookView, 'Changed'), ...errors, 422: ssrf },
  });
  route('delete', WEBHOOK_PATHS.one, 'Delete an endpoint with its delivery log and pending events (admins)', {
    request: { params: webhookParams },
    responses: { 204: { description: 'Deleted' }, ...errors },
  });
  route('get', WEBHOOK_PATHS.deliveries, 'An endpoint’s delivery log, newest first: status, attempts, last HTTP status, latency and error (admins)', {
    request: { params: webhookParams, query: deliveriesQuery },
    responses: { 200: json(deliveryList, 'Deliveries'), ...errors },
  });
  route('post', WEBHOOK_PATHS.redeliver, 'Send one delivered (or pending) event again: queued behind the endpoint’s pending events, same webhook-id (admins)', {
    request: { params: deliveryParams },
    responses: { 202: json(redeliveryResult, 'Queued'), ...errors },
  });

  registry.registerWebhook({
    method: 'post',
    path: 'cordon-event',
    summary: 'A live event, delivered to each endpoint subscribed to its type (in order per endpoint, at least once)',
    description: 'Signed per Standard Webhooks: `webhook-signature` is `v1,` + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")), '
      + 'the key being the base64 part of the endpoint\'s `whsec_` secret. `webhook-id` is the event id (the same on retries and redeliveries: drop duplicates by it). '
      + '`data` carries ids, statuses and counts only, never medical details. Any 2xx within WEBHOOK_TIMEOUT_MS acknowledges; anything else (redirects included) is retried with backoff.',
    request: {
      headers: z.object({
        'webhook-id': z.uuid(),
        'webhook-timestamp': z.string().regex(/^\d+$/).meta({ description: 'Unix seconds of this attempt' }),
        'webhook-signature': z.string().regex(/^v1,[A-Za-z0-9+/]+=*$/),
      }),
      body: jsonBody(webhookPayloadSchema),
    },
    responses: { 200: { description: 'Any 2xx: delivered' }, 500: { description: 'Anything else, or no answer in time: retried later' } },
  });
}
