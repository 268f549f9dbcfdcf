/** Outbound webhooks (issue #19, item 1): the admins' endpoints, their delivery log and redelivery. */
import { Router, type RequestHandler } from 'express';
import { deliveriesQuery, deliveryParams, webhookCreateBody, webhookParams, webhookPatchBody } from '../../contracts/webhooks.contract';
import {
  changeWebhook, createWebhook, listWebhooks, redeliverWebhook, removeWebhook, webhookDeliveries, type WebhookAdminDeps,
} from '../../services/webhooks/webhook-endpoint.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';

export const WEBHOOK_PATHS = {
  list: '/api/admin/webhooks',
  one: '/api/admin/webhooks/:webhookId',
  deliveries: '/api/admin/webhooks/:webhookId/deliveries',
  redeliver: '/api/admin/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
} as const;

export function webhookRoutes(deps: WebhookAdminDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.get(WEBHOOK_PATHS.list, authenticated, async (req, res) => {
    res.json({ webhooks: await listWebhooks(deps, actorOf(res), reqIdOf(req)) });
  });

  router.post(WEBHOOK_PATHS.list, authenticated, async (req, res) => {
    res.status(201).json(await createWebhook(deps, actorOf(res), jsonBody(req, webhookCreateBody), reqIdOf(req)));
  });

  router.patch(WEBHOOK_PATHS.one, authenticated, async (req, res) => {
    const { webhookId } = pathParams(req, webhookParams);
    res.json(await changeWebhook(deps, actorOf(res), webhookId, jsonBody(req, webhookPatchBody), reqIdOf(req)));
  });

  router.delete(WEBHOOK_PATHS.one, authenticated, async (req, res) => {
    const { webhookId } = pathParams(req, webhookParams);
    await removeWebhook(deps, actorOf(res), webhookId, reqIdOf(req));
    res.status(204).end();
  });

  router.get(WEBHOOK_PATHS.deliveries, authenticated, async (req, res) => {
    const { webhookId } = pathParams(req, webhookParams);
    res.json({ deliveries: await webhookDeliveries(deps, actorOf(res), webhookId, queryParams(req, deliveriesQuery), reqIdOf(req)) });
  });

  router.post(WEBHOOK_PATHS.redeliver, authenticated, async (req, res) => {
    const { webhookId, deliveryId } = pathParams(req, deliveryParams);
    res.status(202).json({ delivery: await redeliverWebhook(deps, actorOf(res), webhookId, deliveryId, reqIdOf(req)) });
  });

  return router;
}
