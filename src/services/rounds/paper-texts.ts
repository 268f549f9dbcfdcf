/** The printed paper's words in English and Chinese (issue #17, item 5): people read names, in their language. */
import type { NeedKind, RoundKind } from '../../domain/kinds';

export const PAPER_LANGS = ['en', 'zh-CN'] as const;
export type PaperLang = (typeof PAPER_LANGS)[number];

const NEED_KIND: Record<NeedKind, Record<PaperLang, string>> = {
  food_package: { en: 'Food package', 'zh-CN': '食品包' },
  medicine: { en: 'Medicine bag (sealed)', 'zh-CN': '药品袋（密封）' },
  boxed_meal: { en: 'Boxed meals', 'zh-CN': '盒饭' },
  gas: { en: 'Gas cylinder', 'zh-CN': '煤气罐' },
  rice: { en: 'Rice', 'zh-CN': '大米' },
  oil: { en: 'Cooking oil', 'zh-CN': '食用油' },
  medical_pass: { en: 'Medical pass', 'zh-CN': '就医通行证' },
  waste_pickup: { en: 'Waste bags (collect)', 'zh-CN': '垃圾袋（收运）' },
};

const ROUND_KIND: Record<RoundKind, Record<PaperLang, string>> = {
  food: { en: 'Food round', 'zh-CN': '食品配送' },
  medicine: { en: 'Medicine round', 'zh-CN': '药品配送' },
  mixed: { en: 'Mixed round', 'zh-CN': '综合配送' },
  waste: { en: 'Waste collection round', 'zh-CN': '垃圾收运' },
};

const WORDS = {
  routeSheet: { en: 'Route sheet', 'zh-CN': '路线单' },
  loadingList: { en: 'Loading list', 'zh-CN': '装车单' },
  bagLabels: { en: 'Bag labels', 'zh-CN': '袋标签' },
  trip: { en: 'Trip', 'zh-CN': '车次' },
  driver: { en: 'Driver', 'zh-CN': '司机' },
  depot: { en: 'Depot', 'zh-CN': '仓库' },
  departs: { en: 'Departs', 'zh-CN': '出发' },
  stop: { en: 'Stop', 'zh-CN': '站' },
  gate: { en: 'Gate (corridor)', 'zh-CN': '门岗（楼道）' },
  community: { en: 'Community', 'zh-CN': '社区' },
  time: { en: 'Planned', 'zh-CN': '计划时间' },
  households: { en: 'Households', 'zh-CN': '户数' },
  bags: { en: 'Bags', 'zh-CN': '袋数' },
  handoff: { en: 'Handoff code (chief)', 'zh-CN': '交接码（单元长填写）' },
  urgent: { en: 'URGENT', 'zh-CN': '加急' },
  total: { en: 'Total', 'zh-CN': '合计' },
  unassigned: { en: 'not yet assigned', 'zh-CN': '未指派' },
  items: { en: 'Items', 'zh-CN': '物品' },
  quantity: { en: 'Quantity', 'zh-CN': '数量' },
  flat: { en: 'Flat', 'zh-CN': '门牌' },
  none: { en: 'Nothing to load.', 'zh-CN': '无装车内容。' },
  noBags: { en: 'No bags.', 'zh-CN': '无货袋。' },
  signature: { en: 'Loaded by / checked by', 'zh-CN': '装车人 / 核对人' },
} as const;

export type PaperWord = keyof typeof WORDS;

export interface PaperTexts {
  lang: PaperLang;
  word(w: PaperWord): string;
  needKind(k: NeedKind): string;
  roundKind(k: RoundKind): string;
}

export function paperTexts(lang: PaperLang): PaperTexts {
  return { lang, word: (w) => WORDS[w][lang], needKind: (k) => NEED_KIND[k]?.[lang] ?? k, roundKind: (k) => ROUND_KIND[k][lang] };
}

/**
 * The language the request asks for: `?lang=`, else the one Accept-Language prefers of Chinese and
 * English (English first, so no header or `*` means English).
 */
export function pickPaperLang(query: PaperLang | undefined, accepts: (langs: string[]) => string | false): PaperLang {
  if (query) return query;
  const best = accepts(['en', 'zh-CN', 'zh']);
  return best && best.startsWith('zh') ? 'zh-CN' : 'en';
}
