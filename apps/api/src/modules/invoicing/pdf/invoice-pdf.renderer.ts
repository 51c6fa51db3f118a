import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from './invoice-document';

/**
 * DejaVu Sans (npm `dejavu-fonts-ttf`, Bitstream Vera licence: free to embed) covers ğüşıöçİĞÜŞÖÇ and m³.
 * Parsed once per process with pdfkit's own fontkit and handed to every document as a parsed font (pdfkit
 * takes any object with `layout`): parsing the 750 kB files per document cost more than the drawing.
 * Each document still embeds only the subset of glyphs it uses.
 */
type ParsedFont = PDFKit.Mixins.PDFFontSource;
interface Fontkit {
  create(buffer: Buffer): { layout(text: string): unknown };
}
let fonts: { regular: ParsedFont; bold: ParsedFont } | undefined;

/**
 * Every character an invoice may print: ASCII, Latin-1, Latin Extended-A (Turkish and the rest of Europe),
 * combining marks and the punctuation used here. A shared font caches each glyph with the characters it was
 * first asked for, and the subsetter asks for the parts of a composed letter (the C of Ç) with none: laid out
 * here first, every glyph keeps its character, so each document's text extracts as written.
 */
const range = (from: number, to: number) => String.fromCodePoint(...Array.from({ length: to - from + 1 }, (_, i) => from + i));
const WARM_UP = range(0x20, 0x7e) + range(0xa0, 0x17f) + range(0x300, 0x36f) + '–—‘’“”•·…€³№';

function loadFonts() {
  if (!fonts) {
    const require = createRequire(__filename);
    const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as Fontkit;
    const parse = (file: string) => {
      const font = fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
      font.layout(WARM_UP);
      return font as unknown as ParsedFont;
    };
    fonts = { regular: parse('DejaVuSans.ttf'), bold: parse('DejaVuSans-Bold.ttf') };
  }
  return fonts;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 40;
const CONTENT = A4.width - 2 * MARGIN;
/** The box a tenant logo is fitted into, above the issuer's name (points). */
const LOGO = { width: 160, height: 48 };
/** Description, quantity, unit price, net, VAT rate, VAT, gross: widths adding up to the content width. */
const COLUMN_WIDTHS = [151, 58, 66, 66, 40, 64, 70.28];
const GREY = '#555555';
const RULE = '#bbbbbb';

/**
 * Renders an invoice document (invoiceDocument()) as an A4 PDF with pdfkit: text is real text with the
 * embedded font (searchable, copyable, read by pdftotext), the watermark is drawn under every page's content.
 */
export function renderInvoicePdf(document: InvoiceDocument): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    font: regular as string,
    info: { Title: document.info.title, Author: document.info.author, Creator: 'water', CreationDate: document.info.creationDate },
    lang: document.language,
    displayTitle: true,
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const watermark = () => {
    if (!document.watermark) return;
    const { x, y } = doc;
    doc.save();
    // Level, not diagonal: text extractors (pdftotext, screen readers) read it as one word.
    doc.font('bold').fontSize(110);
    // As large as fits across the page ("CANCELLED" is wider than "TASLAK").
    const size = Math.min(110, (110 * (A4.width - 2 * MARGIN)) / doc.widthOfString(document.watermark));
    doc.fontSize(size).fillColor('#d00000').fillOpacity(0.12);
    doc.text(document.watermark, MARGIN, A4.height * 0.42, { width: CONTENT, align: 'center', lineBreak: false });
    doc.restore();
    doc.fillOpacity(1).fillColor('black');
    doc.x = x;
    doc.y = y;
  };
  doc.on('pageAdded', watermark);
  watermark();

  // Header: the issuer (the tenant's logo, then its name) and the document's title.
  let issuerTop = MARGIN;
  if (document.issuer.logo) {
    try {
      doc.image(document.issuer.logo, MARGIN, MARGIN, { fit: [LOGO.width, LOGO.height] });
      issuerTop = MARGIN + LOGO.height + 6;
    } catch {
      // Checked drawable at upload; should one still fail, the invoice is printed with the name only.
    }
  }
  doc
    .font('bold')
    .fontSize(15)
    .fillColor('black')
    .text(document.issuer.name, MARGIN, issuerTop, { width: CONTENT * 0.62 });
  doc.font('regular').fontSize(8.5).fillColor(GREY);
  for (const line of document.issuer.lines) doc.text(line, { width: CONTENT * 0.62 });
  const headerBottom = doc.y;
  doc.font('bold').fontSize(18).fillColor('black').text(document.title, MARGIN, MARGIN, { width: CONTENT, align: 'right' });
  doc.y = Math.max(headerBottom, doc.y) + 14;
  rule(doc);

  // Facts (left) and customer (right).
  const top = doc.y + 8;
  let left = top;
  for (const [label, value] of document.facts) {
    doc.font('regular').fontSize(9).fillColor(GREY).text(label, MARGIN, left, { width: 105 });
    doc
      .font('bold')
      .fillColor('black')
      .text(value, MARGIN + 108, left, { width: 150 });
    left = Math.max(left + 13, doc.y + 2);
  }
  const rightX = MARGIN + CONTENT * 0.55;
  const rightWidth = CONTENT * 0.45;
  doc.font('regular').fontSize(9).fillColor(GREY).text(document.customer.heading, rightX, top, { width: rightWidth });
  doc.font('bold').fontSize(11).fillColor('black').text(document.customer.name, { width: rightWidth });
  doc.font('regular').fontSize(9);
  for (const line of document.customer.lines) doc.text(line, { width: rightWidth });
  doc.y = Math.max(left, doc.y) + 8;
  doc.font('regular').fontSize(9.5).fillColor('black').text(document.consumption, MARGIN, doc.y, { width: CONTENT });
  doc.moveDown(0.8);

  // Lines per component and tier.
  const xs = COLUMN_WIDTHS.map((_, i) => MARGIN + COLUMN_WIDTHS.slice(0, i).reduce((a, b) => a + b, 0));
  const bottom = A4.height - MARGIN - 20;
  const headRow = () => {
    const y = doc.y;
    doc.font('bold').fontSize(7.5).fillColor(GREY);
    let height = 0;
    document.columns.forEach((title, i) => {
      const options = { width: COLUMN_WIDTHS[i] - 4, align: i === 0 ? ('left' as const) : ('right' as const) };
      height = Math.max(height, doc.heightOfString(title, options));
      doc.text(title, xs[i], y, options);
    });
    doc.y = y + height + 3;
    rule(doc);
    doc.y += 3;
  };
  headRow();
  for (const line of document.lines) {
    doc.font('bold').fontSize(8);
    const labelHeight = doc.heightOfString(line.label, { width: COLUMN_WIDTHS[0] - 4 });
    doc.font('regular').fontSize(7);
    const detailHeight = line.detail ? doc.heightOfString(line.detail, { width: COLUMN_WIDTHS[0] - 4 }) : 0;
    const height = labelHeight + detailHeight + 4;
    if (doc.y + height > bottom) {
      doc.addPage();
      headRow();
    }
    const y = doc.y;
    doc
      .font('bold')
      .fontSize(8)
      .fillColor('black')
      .text(line.label, xs[0], y, { width: COLUMN_WIDTHS[0] - 4 });
    if (line.detail)
      doc
        .font('regular')
        .fontSize(7)
        .fillColor(GREY)
        .text(line.detail, xs[0], y + labelHeight, { width: COLUMN_WIDTHS[0] - 4 });
    doc.font('regular').fontSize(8).fillColor('black');
    line.cells.forEach((cell, i) => doc.text(cell, xs[i + 1], y, { width: COLUMN_WIDTHS[i + 1] - 4, align: 'right', lineBreak: false }));
    doc.y = y + height;
  }
  if (document.lines.length === 0) doc.font('regular').fontSize(8).fillColor(GREY).text(document.emptyLines, MARGIN, doc.y);
  doc.y += 2;
  rule(doc);

  // Totals, right-aligned; the last (the amount due or credited) in bold.
  if (doc.y + document.totals.length * 16 + 40 > bottom) doc.addPage();
  doc.y += 6;
  document.totals.forEach(([label, value], i) => {
    const last = i === document.totals.length - 1;
    const y = doc.y;
    doc
      .font(last ? 'bold' : 'regular')
      .fontSize(last ? 11 : 9)
      .fillColor('black');
    doc.text(label, MARGIN + CONTENT * 0.4, y, { width: CONTENT * 0.35, align: 'right' });
    doc.text(value, MARGIN + CONTENT * 0.75, y, { width: CONTENT * 0.25, align: 'right' });
    doc.y = Math.max(doc.y, y + (last ? 16 : 13));
  });

  doc.moveDown(1.2);
  doc.font('regular').fontSize(8.5).fillColor(GREY);
  for (const note of document.notes) doc.text(note, MARGIN, doc.y, { width: CONTENT });

  doc.end();
  return done;
}

function rule(doc: PDFKit.PDFDocument) {
  doc
    .moveTo(MARGIN, doc.y)
    .lineTo(MARGIN + CONTENT, doc.y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
}
