/**
 * Reading PDFs in tests with pdf.js (Mozilla's renderer): each page's text in reading order (CJK
 * included, through the embedded fonts' ToUnicode maps), and the QR codes on a page rendered to a
 * bitmap (@napi-rs/canvas) and decoded by jsQR, as a phone at the gate would read them.
 */
import { createCanvas } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

async function open(pdf: Buffer): Promise<PDFDocumentProxy> {
  return getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
}

/** The text of each page, its runs joined by spaces. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const doc = await open(pdf);
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return pages;
}

/** The QR codes on one page (1-based): each tile of a `cols` x `rows` grid is decoded on its own. */
export async function pdfQrCodes(pdf: Buffer, pageNo: number, cols: number, rows: number): Promise<string[]> {
  const doc = await open(pdf);
  const page = await doc.getPage(pageNo);
  const viewport = page.getViewport({ scale: 2.5 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js types its canvas as the DOM's; @napi-rs/canvas implements the same 2D context API.
  await page.render({ canvasContext: ctx, viewport, canvas } as unknown as Parameters<typeof page.render>[0]).promise;
  const out: string[] = [];
  const w = Math.floor(canvas.width / cols);
  const h = Math.floor(canvas.height / rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const img = ctx.getImageData(c * w, r * h, w, h);
      const code = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
      if (code) out.push(code.data);
    }
  }
  await doc.destroy();
  return out;
}
