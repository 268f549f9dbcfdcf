/**
 * The printable account sheet (issue #15, item 5): a PDF with a page (or more) per community,
 * listing each new account's username, role, corridors and one-time password, for the district
 * office to hand out. Nothing medical, no household: names of areas and account data only.
 *
 * Area names are Chinese, so a CJK font is embedded (subset: only the glyphs used). It is a
 * system font from a Debian package (fonts-wqy-microhei, or fonts-wqy-zenhei), or the file named
 * by ACCOUNT_SHEET_FONT; without one the sheet is refused with a clear error before any account
 * is made. Usernames and passwords are set in Courier (ASCII, one width per character, so `rn`
 * and `m` don't blur on paper).
 */
import { existsSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import type { BulkAccountsResult, IssuedAccount } from './account-bulk.service';

export interface SheetFont {
  path: string;
  /** The face inside a font collection (.ttc); none for a single-face file. */
  family?: string;
}

/** Debian's CJK fonts, in order of preference (microhei: 5 MB, zenhei: 16 MB). */
const DEBIAN_CJK_FONTS: SheetFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
];

/**
 * The font for the sheet: `configured` (a path, optionally `path#Face` for a collection) or the
 * first Debian CJK font installed. Throws `unavailable` (503) naming the package to install.
 */
export function resolveSheetFont(configured?: string): SheetFont {
  if (configured) {
    const [path = '', family] = configured.split('#');
    if (existsSync(path)) return family ? { path, family } : { path };
    throw new AppError('unavailable', `ACCOUNT_SHEET_FONT ${path} does not exist: the account sheet needs a CJK font`);
  }
  const found = DEBIAN_CJK_FONTS.find((f) => existsSync(f.path));
  if (!found) throw new AppError('unavailable', 'no CJK font for the account sheet: install the Debian package fonts-wqy-microhei (or set ACCOUNT_SHEET_FONT)');
  return found;
}

const ROLE_LABEL: Record<IssuedAccount['role'], string> = { coordinator: '单元长 Unit chief', community_staff: '社区工作人员 Staff' };
const MARGIN = 40;
const ROW = 24;
const COLUMNS = [
  { title: '用户名 Username', width: 130 },
  { title: '角色 Role', width: 100 },
  { title: '楼道 Corridors', width: 120 },
  { title: '一次性密码 One-time password', width: 165 },
] as const;

/** The sheet as PDF bytes. `compress: false` keeps the content streams readable (tests). */
export async function renderAccountSheet(result: BulkAccountsResult, font: SheetFont, options: { at: Date; compress?: boolean }): Promise<Buffer> {
  // Loaded on first use, as in round-paper.pdf.ts.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, compress: options.compress ?? true, autoFirstPage: false, info: { Title: `Accounts: ${result.areaName}`, Producer: 'Cordon' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.family);

  const byCommunity = new Map<string, IssuedAccount[]>();
  for (const a of result.accounts) byCommunity.set(a.communityId, [...(byCommunity.get(a.communityId) ?? []), a]);
  if (byCommunity.size === 0) {
    doc.addPage();
    doc.font('cjk').fontSize(14).text(`${result.areaName}: 没有新账户 No new accounts`);
  }
  for (const accounts of byCommunity.values()) page(doc, result.areaName, accounts, options.at);
  doc.end();
  return done;
}

function header(doc: PDFKit.PDFDocument, areaName: string, community: string, at: Date): number {
  doc.addPage();
  doc.font('cjk').fontSize(16).text(`${community}`, MARGIN, MARGIN);
  doc.fontSize(9).fillColor('#444').text(`${areaName} · ${at.toISOString().slice(0, 10)} · 首次登录时必须修改密码 The password must be changed at first login. 请妥善保管 Keep this sheet safe.`, { width: 515 });
  doc.fillColor('black');
  let x = MARGIN;
  const y = doc.y + 10;
  doc.fontSize(9);
  for (const col of COLUMNS) {
    doc.text(col.title, x, y, { width: col.width - 6, lineBreak: false });
    x += col.width;
  }
  doc.moveTo(MARGIN, y + 14).lineTo(MARGIN + 515, y + 14).stroke();
  return y + 20;
}

function page(doc: PDFKit.PDFDocument, areaName: string, accounts: IssuedAccount[], at: Date): void {
  const community = accounts[0]?.communityName ?? '';
  let y = header(doc, areaName, community, at);
  for (const a of accounts) {
    if (y + ROW > doc.page.height - MARGIN) y = header(doc, areaName, community, at);
    const cells: [string, string, number][] = [
      [a.username, 'Courier', 9],
      [ROLE_LABEL[a.role], 'cjk', 9],
      [a.corridors.map((c) => c.name).join(', ') || '—', 'cjk', 9],
      [a.oneTimePassword, 'Courier-Bold', 10],
    ];
    let x = MARGIN;
    cells.forEach(([text, face, size], i) => {
      const width = (COLUMNS[i]?.width ?? 100) - 6;
      doc.font(face).fontSize(size).text(text, x, y, { width, height: ROW - 4, ellipsis: true, lineBreak: face === 'cjk' });
      x += COLUMNS[i]?.width ?? 100;
    });
    doc.moveTo(MARGIN, y + ROW - 4).lineTo(MARGIN + 515, y + ROW - 4).strokeColor('#ccc').stroke().strokeColor('black');
    y += ROW;
  }
}
