/**
 * A person's side of notices (any signed-in account, their own only): the preferences (language,
 * channels, muted kinds, SMS number, quiet hours, time zone), their browsers' push subscriptions
 * and the VAPID public key the page subscribes with; and the admins' side of the templates: the
 * list and a preview with sample values. A push endpoint passes the webhooks' SSRF check at
 * subscription (the workers POST to it), and again at every send.
 */
import type { NoticePreferencesInput, NoticePreferencesView, PushSubscriptionInput } from '../../contracts/notices.contract';
import type { Actor } from '../../domain/access';
import { NOTICE_KINDS, NOTICE_KIND_NAMES, NOTICE_CHANNELS, formatClock, parseClock, type NoticeKind, type NoticeLanguage } from '../../domain/notices';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { deleteOwnPushSubscription, householdPhoneOf, preferencesOf, pushSubscriptionsOf, savePreferences, savePushSubscription } from '../../store/notice.repository';
import { guardRole, type GuardContext } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { checkWebhookUrl } from '../webhooks/webhook-target';
import { effectivePreferences, type NoticeSettings } from './notice-settings';
import { listTemplates, placeholdersOf, renderNotice, TEMPLATES, type RenderedNotice, type TemplateListing } from './notice-templates';

export interface NoticePreferenceDeps {
  db: Db;
  clock: Clock;
  audit: AuditService | undefined;
  settings: NoticeSettings;
  /** DNS resolution of a push endpoint's host (tests may replace it). Default: the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
}

export async function myNoticePreferences(deps: NoticePreferenceDeps, actor: Actor): Promise<NoticePreferencesView> {
  const row = (await preferencesOf(deps.db, [actor.userId])).get(actor.userId);
  const p = effectivePreferences(row, deps.settings.defaults);
  const [householdPhone, subs] = await Promise.all([
    actor.role === 'resident' ? householdPhoneOf(deps.db, actor.userId) : Promise.resolve(null),
    pushSubscriptionsOf(deps.db, actor.userId),
  ]);
  return {
    language: p.language,
    channels: NOTICE_CHANNELS.filter((c) => p.channels.has(c)),
    mutedKinds: NOTICE_KIND_NAMES.filter((k) => p.muted.has(k)),
    smsPhone: p.smsPhone,
    householdPhone,
    quietHours: p.quiet ? { from: formatClock(p.quiet.fromMin), until: formatClock(p.quiet.untilMin) } : null,
    timeZone: p.timeZone,
    saved: p.saved,
    available: NOTICE_CHANNELS.filter((c) => c === 'inapp' || deps.settings.available.has(c)),
    kinds: NOTICE_KIND_NAMES.map((kind) => ({ kind, emergency: NOTICE_KINDS[kind].emergency })),
    pushSubscriptions: subs.length,
  };
}

/** The audit row of a person's own change (in its transaction when given one). */
const audited = (deps: Pick<NoticePreferenceDeps, 'audit'>, actor: Actor, action: string, subjectType: string, subjectId: string, reqId: string | undefined, trx?: Db) =>
  deps.audit?.record({ actor, action, subjectType, subjectId, outcome: 'allowed', reqId: reqId ?? null }, trx);

export async function saveMyNoticePreferences(deps: NoticePreferenceDeps, actor: Actor, input: NoticePreferencesInput, reqId?: string): Promise<NoticePreferencesView> {
  await deps.db.transaction().execute(async (trx) => {
    await savePreferences(trx, {
      userId: actor.userId, language: input.language, channels: [...input.channels], mutedKinds: [...input.mutedKinds], smsPhone: input.smsPhone,
      quietFromMin: input.quietHours ? parseClock(input.quietHours.from) : null, quietUntilMin: input.quietHours ? parseClock(input.quietHours.until) : null,
      timeZone: input.timeZone,
    }, deps.clock.now());
    await audited(deps, actor, 'notice.preferences', 'user', actor.userId, reqId, trx);
  });
  return myNoticePreferences(deps, actor);
}

export async function addPushSubscription(deps: NoticePreferenceDeps, actor: Actor, input: PushSubscriptionInput, reqId?: string): Promise<{ id: string }> {
  if (!deps.settings.available.has('webpush')) throw new AppError('conflict', 'web push is not configured on this server (NOTICE_VAPID_PUBLIC_KEY, NOTICE_VAPID_PRIVATE_KEY)');
  let endpoint: string;
  try {
    endpoint = await checkWebhookUrl(input.endpoint, deps.settings.allowHosts, deps.resolve);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const message = err.message.replace(/^url: /, '').replace('WEBHOOK_ALLOW_HOSTS', 'NOTICE_ALLOW_HOSTS');
    throw new AppError('validation', `endpoint: ${message}`, { errors: [{ path: ['endpoint'], message }] });
  }
  return deps.db.transaction().execute(async (trx) => {
    const id = await savePushSubscription(trx, { userId: actor.userId, endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth });
    await audited(deps, actor, 'notice.push_subscribe', 'push_subscription', id, reqId, trx);
    return { id };
  });
}

/**
 * Push off on one device (the page has unsubscribed its browser): the caller's subscription with
 * this endpoint is deleted, as posted or as normalised when it was stored. Nothing to delete is
 * no error: the device's wish (no more push here) holds either way, and a retry after a lost
 * answer must not fail. Works whether or not web push is configured now.
 */
export async function removePushSubscription(deps: NoticePreferenceDeps, actor: Actor, endpoint: string, reqId?: string): Promise<{ removed: number }> {
  const forms = [endpoint];
  try {
    forms.push(new URL(endpoint).href);
  } catch {
    // Not a URL: it was never stored (the subscription check refuses it), so only the text as given is asked for.
  }
  return deps.db.transaction().execute(async (trx) => {
    const removed = await deleteOwnPushSubscription(trx, actor.userId, forms);
    // Audited even when nothing was left to delete: the person asked for push off here.
    await audited(deps, actor, 'notice.push_unsubscribe', 'user', actor.userId, reqId, trx);
    return { removed };
  });
}

const ADMINS = ['admin'] as const;

export async function noticeTemplates(deps: Pick<NoticePreferenceDeps, 'audit'>, actor: Actor, reqId?: string): Promise<TemplateListing[]> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, ADMINS, 'notice.templates', 'notice_template', 'all');
  return listTemplates();
}

export async function previewNoticeTemplate(
  deps: Pick<NoticePreferenceDeps, 'audit' | 'settings'>, actor: Actor,
  input: { kind: NoticeKind; language: NoticeLanguage; values: Record<string, string | number>; timeZone?: string | undefined }, reqId?: string,
): Promise<RenderedNotice & { unknownValues: string[] }> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, ADMINS, 'notice.preview', 'notice_template', input.kind);
  await audited(deps, actor, 'notice.preview', 'notice_template', input.kind, reqId);
  const used = new Set(placeholdersOf(`${TEMPLATES[input.language].messages[input.kind]?.title ?? ''} ${TEMPLATES[input.language].messages[input.kind]?.text ?? ''}`));
  return {
    ...renderNotice(input.kind, input.language, input.values, input.timeZone ?? deps.settings.defaults.timeZone),
    unknownValues: Object.keys(input.values).filter((k) => !used.has(k)),
  };
}
