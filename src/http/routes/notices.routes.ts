/**
 * Notices (issue #19, items 2 and 3): a person's own preferences and push subscriptions (any
 * signed-in account), the VAPID key the page subscribes with, and the admins' templates with a preview.
 */
import { Router, type RequestHandler } from 'express';
import { noticePreferencesBody, noticePreviewBody, pushSubscriptionBody, pushUnsubscribeBody } from '../../contracts/notices.contract';
import {
  addPushSubscription, myNoticePreferences, noticeTemplates, previewNoticeTemplate, removePushSubscription, saveMyNoticePreferences, type NoticePreferenceDeps,
} from '../../services/notices/notice-preferences.service';
import { actorOf, requestId } from '../auth';
import { jsonBody } from '../validate';

export const NOTICE_PATHS = {
  preferences: '/api/me/notices',
  pushSubscriptions: '/api/me/push-subscriptions',
  vapidKey: '/api/me/push-subscriptions/vapid-key',
  templates: '/api/admin/notices/templates',
  preview: '/api/admin/notices/templates/preview',
} as const;

export function noticeRoutes(deps: NoticePreferenceDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.get(NOTICE_PATHS.preferences, authenticated, async (_req, res) => {
    res.json(await myNoticePreferences(deps, actorOf(res)));
  });
  router.put(NOTICE_PATHS.preferences, authenticated, async (req, res) => {
    res.json(await saveMyNoticePreferences(deps, actorOf(res), jsonBody(req, noticePreferencesBody), reqIdOf(req)));
  });
  router.get(NOTICE_PATHS.vapidKey, authenticated, (_req, res) => {
    res.json({ publicKey: deps.settings.vapidPublicKey });
  });
  router.post(NOTICE_PATHS.pushSubscriptions, authenticated, async (req, res) => {
    res.status(201).json(await addPushSubscription(deps, actorOf(res), jsonBody(req, pushSubscriptionBody), reqIdOf(req)));
  });
  router.delete(NOTICE_PATHS.pushSubscriptions, authenticated, async (req, res) => {
    res.json(await removePushSubscription(deps, actorOf(res), jsonBody(req, pushUnsubscribeBody).endpoint, reqIdOf(req)));
  });
  router.get(NOTICE_PATHS.templates, authenticated, async (req, res) => {
    res.json({ templates: await noticeTemplates(deps, actorOf(res), reqIdOf(req)) });
  });
  router.post(NOTICE_PATHS.preview, authenticated, async (req, res) => {
    res.json(await previewNoticeTemplate(deps, actorOf(res), jsonBody(req, noticePreviewBody), reqIdOf(req)));
  });
  return router;
}
