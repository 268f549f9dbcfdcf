/**
 * The printed paper of a round as PDF (issue #17, item 5), with pdfkit and the CJK font the
 * account sheet uses (account-sheet.pdf.ts: fonts-wqy-microhei, or ACCOUNT_SHEET_FONT): a route
 * sheet per trip, a loading list per depot, a label per bag with a QR code. Ids that people copy
 * (bag ids) are set in Courier. Nothing medical is printed: bags by need kind, never a drug.
 */
import type { SheetFont } from '../access/account-sheet.pdf';
import type { NeedKind } from '../../domain/kinds';
import type { PaperBag, PaperRound, PaperStop, PaperTrip, TripLoad } from '../../store/round-paper.repository';
import type { PaperTexts } from './paper-texts';

const MARGIN = 40;
const WIDTH = 515;

export interface PaperOptions { font: SheetFont; texts: PaperTexts; compress?: boolean }

type Doc = PDFKit.PDFDocument;
type QrCreate = (typeof import('qrcode'))['create'];

async function render(title: string, options: PaperOptions, draw: (doc: Doc) => void): Promise<Buffer> {
  // pdfkit (with fontkit) and qrcode are loaded on first use: every process and test that loads the
  // app paid for them at start, printing nothing.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, compress: options.compress ?? true, info: { Title: title, Producer: 'Cordon' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', options.font.path, options.font.family);
  doc.font('cjk');
  draw(doc);
  doc.end();
  return done;
}

/** Seconds from the round's start as a time of day (the plan's shift starts at `shiftStartMin`). */
const clock = (shiftStartMin: number, s: number): string => {
  const min = Math.round(shiftStartMin + s / 60);
  return `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
};

const bagsText = (t: PaperTexts, byKind: Partial<Record<NeedKind, number>>): string =>
  (Object.entries(byKind) as [NeedKind, number][]).map(([k, n]) => `${t.needKind(k)} × ${n}`).join(', ');

function heading(doc: Doc, title: string, lines: string[]): void {
  doc.font('cjk').fontSize(16).fillColor('black').text(title, MARGIN, MARGIN, { width: WIDTH });
  doc.fontSize(9).fillColor('#333');
  for (const l of lines) doc.text(l, { width: WIDTH });
  doc.fillColor('black').moveDown(0.5);
}

const roundLine = (t: PaperTexts, r: PaperRound): string => `${r.areaName} · ${t.roundKind(r.kind)} · ${r.createdAt.toISOString().slice(0, 10)}`;
const tripLine = (t: PaperTexts, trip: PaperTrip, shiftStartMin: number): string =>
  `${t.word('trip')} ${trip.tripNo} · ${trip.vehicle} · ${t.word('driver')}: ${trip.driverName ?? t.word('unassigned')} · ${t.word('depot')}: ${trip.depotName} · ${t.word('departs')} ${clock(shiftStartMin, trip.departS)}`;

export interface RouteSheetInput { round: PaperRound; trip: PaperTrip; stops: (PaperStop & { servedS: number })[]; shiftStartMin: number }

/** One trip's stops in order, with a blank box per stop for the unit chief's handoff code. */
export function renderRouteSheet(input: RouteSheetInput, options: PaperOptions): Promise<Buffer> {
  const t = options.texts;
  const cols = [
    { title: '#', width: 24 }, { title: t.word('gate'), width: 120 }, { title: t.word('community'), width: 80 }, { title: t.word('time'), width: 50 },
    { title: t.word('households'), width: 45 }, { title: t.word('bags'), width: 86 }, { title: t.word('handoff'), width: 110 },
  ];
  const head = (doc: Doc): number => {
    heading(doc, `${t.word('routeSheet')} · ${t.word('trip')} ${input.trip.tripNo}`, [roundLine(t, input.round), tripLine(t, input.trip, input.shiftStartMin)]);
    let x = MARGIN;
    const y = doc.y;
    doc.fontSize(8);
    for (const c of cols) {
      doc.text(c.title, x, y, { width: c.width - 4 });
      x += c.width;
    }
    const below = y + 22;
    doc.moveTo(MARGIN, below - 4).lineTo(MARGIN + WIDTH, below - 4).stroke();
    return below;
  };
  return render(`${t.word('routeSheet')} ${input.trip.vehicle}`, options, (doc) => {
    let y = head(doc);
    const ROW = 34;
    for (const s of input.stops) {
      if (y + ROW > doc.page.height - MARGIN - 30) {
        doc.addPage();
        y = head(doc);
      }
      const cells = [
        String(s.seq + 1), s.urgent ? `${s.gate} · ${t.word('urgent')}` : s.gate, s.community ?? '', clock(input.shiftStartMin, s.servedS),
        String(s.households), `${s.bags}: ${bagsText(t, s.bagsByKind)}`,
      ];
      let x = MARGIN;
      doc.fontSize(9);
      cells.forEach((text, i) => {
        const w = cols[i]!.width;
        doc.text(text, x, y, { width: w - 4, height: ROW - 4, ellipsis: true });
        x += w;
      });
      // The chief writes the driver's code here at the handover.
      doc.rect(x + 4, y - 2, cols[6]!.width - 12, ROW - 10).strokeColor('#888').stroke().strokeColor('black');
      y += ROW;
    }
    const households = input.stops.reduce((n, s) => n + s.households, 0);
    const bags = input.stops.reduce((n, s) => n + s.bags, 0);
    doc.fontSize(10).text(`${t.word('total')}: ${input.stops.length} ${t.word('stop')} · ${households} ${t.word('households')} · ${bags} ${t.word('bags')}`, MARGIN, y + 6, { width: WIDTH });
  });
}

export interface LoadingListInput {
  round: PaperRound;
  /** Each depot's trips, a depot to a page (or more). */
  depots: { depotName: string; trips: { trip: PaperTrip; load: TripLoad | undefined }[] }[];
  shiftStartMin: number;
}

/** Per depot and trip: the bags by kind and the catalogue products inside them, with quantities. */
export function renderLoadingList(input: LoadingListInput, options: PaperOptions): Promise<Buffer> {
  const t = options.texts;
  return render(`${t.word('loadingList')} ${input.round.areaName}`, options, (doc) => {
    if (input.depots.length === 0) {
      heading(doc, t.word('loadingList'), [roundLine(t, input.round)]);
      doc.fontSize(11).text(t.word('none'));
    }
    input.depots.forEach((depot, i) => {
      if (i > 0) doc.addPage();
      heading(doc, `${t.word('loadingList')} · ${depot.depotName}`, [roundLine(t, input.round)]);
      for (const { trip, load } of depot.trips) {
        if (doc.y > doc.page.height - MARGIN - 120) doc.addPage();
        doc.moveDown(0.5).fontSize(11).fillColor('black').text(tripLine(t, trip, input.shiftStartMin), MARGIN, doc.y, { width: WIDTH });
        const byKind = load?.bagsByKind ?? {};
        const bags = Object.values(byKind).reduce((n, v) => n + (v ?? 0), 0);
        doc.fontSize(9).text(`${t.word('bags')}: ${bags} (${bagsText(t, byKind)})`, { width: WIDTH });
        for (const item of load?.items ?? []) {
          const y = doc.y;
          doc.text(item.name, MARGIN + 20, y, { width: 300 });
          doc.text(String(item.quantity), MARGIN + 330, y, { width: 80, align: 'right' });
        }
        doc.moveDown(0.3).fontSize(8).fillColor('#555').text(`${t.word('signature')}: ____________________`, MARGIN, doc.y, { width: WIDTH }).fillColor('black');
      }
    });
  });
}

/** What a bag's QR code holds: its id and where it goes (corridor, flat); nothing medical. */
export function bagQrPayload(bag: Pick<PaperBag, 'bagId' | 'gate' | 'flat'>): string {
  return JSON.stringify({ bag: bag.bagId, corridor: bag.gate, flat: bag.flat });
}

/** The QR code as filled squares: crisp at any print size, and no image codec needed. */
function drawQr(create: QrCreate, doc: Doc, payload: string, x: number, y: number, size: number): void {
  const qr = create(payload, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const cell = size / (n + 2 * quiet);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell, cell);
  }
  doc.fillColor('black').fill();
}

/** Eight labels to an A4 page (2 × 4), each with its QR code, bag id, gate, flat, community, trip and stop. */
export async function renderBagLabels(input: { round: PaperRound; bags: PaperBag[] }, options: PaperOptions): Promise<Buffer> {
  const { create } = await import('qrcode');
  const t = options.texts;
  const W = WIDTH / 2;
  const H = (842 - 2 * MARGIN) / 4;
  return render(`${t.word('bagLabels')} ${input.round.areaName}`, options, (doc) => {
    if (input.bags.length === 0) doc.fontSize(11).text(t.word('noBags'));
    input.bags.forEach((bag, i) => {
      if (i > 0 && i % 8 === 0) doc.addPage();
      const x = MARGIN + (i % 2) * W;
      const y = MARGIN + (Math.floor(i / 2) % 4) * H;
      doc.rect(x + 2, y + 2, W - 4, H - 4).dash(3, { space: 3 }).strokeColor('#999').stroke().undash().strokeColor('black');
      drawQr(create, doc, bagQrPayload(bag), x + 8, y + 8, 110);
      // The bag id spans the label under the code: people copy it, so it stays on one line.
      doc.font('Courier-Bold').fontSize(8).text(bag.bagId, x + 12, y + 122, { width: W - 24, lineBreak: false });
      const tx = x + 124;
      const tw = W - 132;
      doc.font('cjk').fontSize(12).text(bag.gate, tx, y + 14, { width: tw });
      doc.fontSize(10).text(`${t.word('flat')}: ${bag.flat}`, tx, doc.y + 2, { width: tw });
      doc.fontSize(9).fillColor('#333').text(bag.community ?? '', tx, doc.y + 2, { width: tw });
      doc.text(`${t.word('trip')} ${bag.tripNo} · ${t.word('stop')} ${bag.seq + 1} · ${bag.vehicle}`, tx, doc.y + 2, { width: tw });
      doc.text(t.needKind(bag.kind), tx, doc.y + 2, { width: tw }).fillColor('black');
    });
  });
}
