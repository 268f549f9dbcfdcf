/**
 * The notice settings' words in English and Chinese, kept beside their component (the shared
 * dictionaries src/web/src/i18n.*.ts are being edited by others; move these there when they settle).
 */
import type { Lang } from '../i18n';

const en = {
  heading: 'Notices',
  intro: 'How Cordon tells you about your deliveries and passes when this page is closed.',
  language: 'Language of messages',
  channels: 'Channels',
  sms: 'SMS',
  webpush: 'Push to this device',
  inapp: 'In the app',
  unavailable: '(not set up on this server)',
  smsPhone: 'SMS number',
  smsPhoneHint: 'Leave empty to use your household’s phone.',
  quiet: 'Quiet hours (only emergencies come through)',
  quietOff: 'No quiet hours',
  quietFrom: 'From',
  quietUntil: 'Until',
  timeZone: 'Time zone',
  muted: 'Messages I do not want',
  save: 'Save',
  saved: 'Saved.',
  enablePush: 'Turn on push on this device',
  pushOn: 'Push is on for this device.',
  disablePush: 'Turn off push on this device',
  pushOff: 'Push is off for this device.',
  pushOffFailed: 'Could not turn push off. Try again when online.',
  pushUnsupported: 'This browser cannot receive push messages.',
  pushDenied: 'Notifications are blocked for this site in the browser settings.',
  devices: '{n} device(s) receive push.',
  failed: 'Could not save. Check the fields and try again.',
  kind_need_accepted: 'Request accepted',
  kind_delivery_eta: 'Delivery on its way (time window)',
  kind_delivery_done: 'Delivered',
  kind_delivery_failed: 'Delivery not made',
  kind_pass_approved: 'Hospital pass approved',
  kind_van_near: 'Van 10 minutes from the gate',
  kind_pass_overdue: 'Pass overdue',
  kind_stock_low: 'Stock below minimum',
  kind_emergency_case: 'Emergency',
};

type Texts = typeof en;

const zh: Texts = {
  heading: '消息通知',
  intro: '页面关闭时，Cordon 如何通知您配送和通行证的进展。',
  language: '消息语言',
  channels: '通知方式',
  sms: '短信',
  webpush: '推送到本设备',
  inapp: '应用内',
  unavailable: '（本服务器未配置）',
  smsPhone: '短信号码',
  smsPhoneHint: '留空则使用户籍登记的电话。',
  quiet: '免打扰时段（仅紧急消息）',
  quietOff: '不设免打扰',
  quietFrom: '从',
  quietUntil: '到',
  timeZone: '时区',
  muted: '不接收的消息',
  save: '保存',
  saved: '已保存。',
  enablePush: '在本设备开启推送',
  pushOn: '本设备已开启推送。',
  disablePush: '关闭本设备的推送',
  pushOff: '本设备已关闭推送。',
  pushOffFailed: '未能关闭推送，请联网后重试。',
  pushUnsupported: '此浏览器不支持推送消息。',
  pushDenied: '浏览器设置已禁止本站通知。',
  devices: '{n} 台设备接收推送。',
  failed: '保存失败，请检查后重试。',
  kind_need_accepted: '申请已受理',
  kind_delivery_eta: '配送中（预计时段）',
  kind_delivery_done: '已送达',
  kind_delivery_failed: '配送未完成',
  kind_pass_approved: '就医通行证已批准',
  kind_van_near: '配送车 10 分钟后到达',
  kind_pass_overdue: '通行证逾期',
  kind_stock_low: '库存低于下限',
  kind_emergency_case: '紧急情况',
};

export type NoticeTextKey = keyof Texts;

export function noticeText(lang: Lang, key: NoticeTextKey, vars: Record<string, string | number> = {}): string {
  return (lang === 'zh-CN' ? zh : en)[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}
