/**
 * The notice channels behind one interface: `sms` (a generic HTTP gateway: the configured URL,
 * auth header and body template), `webpush` (web-push builds the VAPID-signed, aes128gcm-encrypted
 * request per subscription) and `inapp` (the live event the pages already get: nothing to send).
 * Both HTTP channels go out through the webhooks' SSRF-safe sender (webhook-sender.ts: https and
 * public addresses only, checked in the connection's own DNS lookup, unless the host is in
 * NOTICE_ALLOW_HOSTS; no redirects; a time limit). Nothing is thrown: the outcome is data.
 */
import webpush from 'web-push';
import type { NoticeChannel, NoticeKind, NoticeLanguage } from '../../domain/notices';
import type { Db } from '../../store/db';
import { deletePushSubscription, pushSubscriptionsOf } from '../../store/notice.repository';
import { sendGuarded, type GuardedPost, type SendOutcome } from '../webhooks/webhook-sender';
import type { AllowedHost } from '../webhooks/webhook-target';

export interface OutgoingNotice {
  noticeId: string;
  userId: string;
  kind: NoticeKind;
  language: NoticeLanguage;
  title: string;
  text: string;
  emergency: boolean;
  /** SMS: where to. */
  phone: string | null;
}

/** `permanent`: trying again cannot help (no address left, the gateway refused the request as such). */
export type ChannelOutcome = { ok: true; detail?: string } | { ok: false; permanent: boolean; error: string };

export interface NoticeChannelSender {
  readonly channel: NoticeChannel;
  send(notice: OutgoingNotice): Promise<ChannelOutcome>;
}

export type Send = (input: GuardedPost) => Promise<SendOutcome>;

/** 4xx other than 408 and 429 will answer the same again. */
const permanentStatus = (s: number | null) => s !== null && s >= 400 && s < 500 && s !== 408 && s !== 429;

export interface SmsGateway {
  url: string;
  /** `Name: value`. */
  authHeader?: string | undefined;
  bodyTemplate: string;
  contentType: 'json' | 'form';
  timeoutMs: number;
  allowHosts: readonly AllowedHost[];
}

/** The gateway's body: each {{name}} replaced by its value, escaped for the content type; unknown names stay empty. */
export function smsBody(template: string, contentType: SmsGateway['contentType'], values: Readonly<Record<string, string>>): string {
  const escape = contentType === 'json' ? (v: string) => JSON.stringify(v).slice(1, -1) : encodeURIComponent;
  return template.replace(/\{\{([A-Za-z]+)\}\}/g, (_all, name: string) => escape(values[name] ?? ''));
}

export function createSmsChannel(gateway: SmsGateway, send: Send = sendGuarded): NoticeChannelSender {
  const headers: Record<string, string> = {
    'content-type': gateway.contentType === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8',
    'user-agent': 'Cordon-Notices/1',
  };
  if (gateway.authHeader) {
    const cut = gateway.authHeader.indexOf(':');
    headers[gateway.authHeader.slice(0, cut).trim().toLowerCase()] = gateway.authHeader.slice(cut + 1).trim();
  }
  return {
    channel: 'sms',
    async send(n) {
      if (!n.phone) return { ok: false, permanent: true, error: 'no phone number' };
      const body = smsBody(gateway.bodyTemplate, gateway.contentType, { to: n.phone, text: n.text, title: n.title, kind: n.kind, language: n.language, id: n.noticeId });
      const out = await send({ url: gateway.url, body, headers, timeoutMs: gateway.timeoutMs, allowHosts: gateway.allowHosts });
      return out.ok ? { ok: true } : { ok: false, permanent: permanentStatus(out.statusCode), error: out.error ?? 'failed' };
    },
  };
}

export interface WebPushSettings {
  publicKey: string;
  privateKey: string;
  subject: string;
  ttlS: number;
  timeoutMs: number;
  allowHosts: readonly AllowedHost[];
}

/** What the service worker (src/web/public/sw.js) receives, decrypted: ids and words, nothing medical. */
export interface PushPayload {
  title: string;
  body: string;
  kind: NoticeKind;
  /** Tag: a later notice of the same kind replaces the shown one. */
  tag: string;
  emergency: boolean;
  url: string;
}

/**
 * Sends to each of the person's subscriptions; a subscription the push service says is gone (404,
 * 410) is deleted. Delivered when any subscription took it; permanent when none is left.
 */
export function createWebPushChannel(db: Db, s: WebPushSettings, send: Send = sendGuarded): NoticeChannelSender {
  return {
    channel: 'webpush',
    async send(n) {
      const subs = await pushSubscriptionsOf(db, n.userId);
      if (subs.length === 0) return { ok: false, permanent: true, error: 'no push subscription' };
      const payload: PushPayload = { title: n.title, body: n.text, kind: n.kind, tag: n.kind, emergency: n.emergency, url: '/' };
      let delivered = 0;
      let gone = 0;
      const errors: string[] = [];
      for (const sub of subs) {
        const request = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
          vapidDetails: { subject: s.subject, publicKey: s.publicKey, privateKey: s.privateKey },
          TTL: s.ttlS,
          contentEncoding: 'aes128gcm',
          urgency: n.emergency ? 'high' : 'normal',
        });
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
        const out = await send({ url: request.endpoint, body: request.body ?? Buffer.alloc(0), headers: { ...headers, 'user-agent': 'Cordon-Notices/1' }, timeoutMs: s.timeoutMs, allowHosts: s.allowHosts });
        if (out.ok) delivered++;
        else if (out.statusCode === 404 || out.statusCode === 410) {
          gone++;
          await deletePushSubscription(db, sub.id);
        } else errors.push(out.error ?? 'failed');
      }
      if (delivered > 0) return { ok: true, detail: `${delivered}/${subs.length} subscriptions` };
      if (gone === subs.length) return { ok: false, permanent: true, error: 'every push subscription is gone (404/410)' };
      return { ok: false, permanent: false, error: errors.join('; ').slice(0, 300) };
    },
  };
}

/** The live event is the in-app notice: published already, nothing to send. */
export const inAppChannel: NoticeChannelSender = { channel: 'inapp', send: async () => ({ ok: true }) };
