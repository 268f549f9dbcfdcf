/** OpenAPI entries of the notices (notices.routes.ts). */
import {
  noticePreferencesBody, noticePreferencesView, noticePreview, noticePreviewBody, noticeTemplateList, pushSubscriptionBody, pushSubscriptionCreated, pushUnsubscribeBody, pushUnsubscribed,
  vapidKeyView,
} from '../contracts/notices.contract';
import { errors, json, jsonBody, problem, type AddRoute } from './openapi-kit';
import { NOTICE_PATHS } from './routes/notices.routes';

export function registerNoticeRoutes(route: AddRoute): void {
  route('get', NOTICE_PATHS.preferences, 'The caller’s notice preferences (their saved ones, or the defaults), the channels this server sends and the message kinds', {
    responses: { 200: json(noticePreferencesView, 'Preferences'), 401: errors[401] },
  });
  route('put', NOTICE_PATHS.preferences, 'Set the caller’s notice preferences: language, channels (sms, webpush, inapp), muted kinds (emergencies always come), SMS number, quiet hours and time zone', {
    request: { body: jsonBody(noticePreferencesBody) },
    responses: { 200: json(noticePreferencesView, 'Saved'), ...errors },
  });
  route('get', NOTICE_PATHS.vapidKey, 'The VAPID public key to subscribe a browser with (null when web push is not configured)', {
    responses: { 200: json(vapidKeyView, 'Key'), 401: errors[401] },
  });
  route('post', NOTICE_PATHS.pushSubscriptions, 'Store a browser’s PushSubscription for the caller (the same endpoint again replaces it)', {
    request: { body: jsonBody(pushSubscriptionBody) },
    responses: {
      201: json(pushSubscriptionCreated, 'Stored'), ...errors,
      409: problem('Web push is not configured on this server'),
      422: problem('Invalid fields; `endpoint` is refused when it is not https or names or resolves to an internal address (unless its host is in NOTICE_ALLOW_HOSTS)'),
    },
  });
  route('delete', NOTICE_PATHS.pushSubscriptions, 'Turn web push off on one device: delete the caller’s subscription with this endpoint (the page unsubscribes the browser first); none left to delete is not an error', {
    request: { body: jsonBody(pushUnsubscribeBody) },
    responses: { 200: json(pushUnsubscribed, 'Deleted (or already gone)'), ...errors },
  });
  route('get', NOTICE_PATHS.templates, 'Every notice template per kind and language, with the placeholders each kind provides (admins)', {
    responses: { 200: json(noticeTemplateList, 'Templates'), ...errors },
  });
  route('post', NOTICE_PATHS.preview, 'A template filled with sample values (admins): times as ISO 8601, shown in timeZone (default NOTICE_TIME_ZONE); values no placeholder uses are named', {
    request: { body: jsonBody(noticePreviewBody) },
    responses: { 200: json(noticePreview, 'Preview'), ...errors },
  });
}
