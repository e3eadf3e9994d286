import QRCode from 'qrcode';
import { MonoCanvas, type ScratchBuffer } from './canvas.ts';
import { printerError } from './errors.ts';
import { FONT_FILES, TrueTypeFont } from './font.ts';
import type { MonoImage } from './raster.ts';
import { checkTicket, formatIssuedAt, type PrintableTicket } from './ticket.ts';

export type PaperWidth = '58mm' | '80mm';

/** Printable dots per line at 203 dpi. */
export const PAPER_DOTS: Record<PaperWidth, number> = { '58mm': 384, '80mm': 576 };

let loaded: { regular: TrueTypeFont; bold: TrueTypeFont } | undefined;
function fonts() {
  loaded ??= {
    regular: TrueTypeFont.fromFile(FONT_FILES.regular),
    bold: TrueTypeFont.fromFile(FONT_FILES.bold),
  };
  return loaded;
}

interface TextStyle {
  size: number;
  bold?: boolean;
  /** White text (on a black band). */
  white?: boolean;
}

type DrawOp = (canvas: MonoCanvas) => void;

/**
 * Builds the ticket top to bottom; `y` is the next free row in dots. The height is known only at
 * the end, so drawing is recorded and replayed on a canvas of the final size.
 */
class TicketFlow {
  private readonly ops: DrawOp[] = [];
  /** Every printed line of text, in order (for tests and logs of what a ticket said). */
  readonly lines: string[] = [];
  y: number;

  constructor(
    readonly width: number,
    readonly margin: number,
  ) {
    this.y = margin;
  }

  /** The largest size up to `maxSize` at which `content` fits on one line. */
  fittedSize(content: string, maxSize: number, bold: boolean): number {
    const font = bold ? fonts().bold : fonts().regular;
    const width = font.measure(content, 1) * 1.03;
    return Math.max(1, Math.min(maxSize, Math.floor((this.width - 2 * this.margin) / width)));
  }

  /** Centred text, wrapped at word boundaries to the printable width. */
  text(content: string, style: TextStyle, gapAfter = 0): void {
    const lineHeight = Math.round(style.size * 1.25);
    const font = style.bold ? fonts().bold : fonts().regular;
    for (const line of this.wrap(content.normalize('NFC'), style)) {
      const baseline = this.y + Math.round(style.size * 0.95);
      const left = this.width / 2 - font.measure(line, style.size) / 2;
      this.draw(line, (c) => c.text(font, line, left, baseline, style.size, !style.white));
      this.y += lineHeight;
    }
    this.y += gapAfter;
  }

  /** A Vietnamese line and its English translation below in smaller type. */
  bilingual(vi: string, en: string, size: number, bold = false): void {
    this.text(vi, { size, bold });
    this.text(en, { size: englishSize(size) }, Math.round(size * 0.35));
  }

  /** Left-aligned checklist item: an empty box, the Vietnamese text, the English below. */
  checkItem(vi: string, en: string, size: number): void {
    const box = Math.round(size * 0.8);
    const indent = this.margin + box + Math.round(size * 0.5);
    const inner = this.width - indent - this.margin;
    const boxTop = this.y + Math.round(size * 0.2);
    this.ops.push((c) => c.strokeRect(this.margin + 1, boxTop, box, box, 2));
    const line = (content: string, style: TextStyle) => {
      for (const l of this.wrap(content.normalize('NFC'), style, inner)) {
        const baseline = this.y + Math.round(style.size * 0.95);
        this.draw(l, (c) => c.text(fonts().regular, l, indent, baseline, style.size));
        this.y += Math.round(style.size * 1.25);
      }
    };
    line(vi, { size });
    line(en, { size: englishSize(size) });
    this.y += Math.round(size * 0.3);
  }

  rule(): void {
    const top = this.y;
    this.ops.push((c) => c.fillRect(this.margin, top, this.width - 2 * this.margin, 2));
    this.y += 14;
  }

  /** White text on a black band: the offline mark. */
  banner(vi: string, en: string, size: number): void {
    const top = this.y;
    const height = Math.round(size * 1.25) + Math.round(englishSize(size) * 1.25) + 12;
    this.ops.push((c) => c.fillRect(this.margin, top, this.width - 2 * this.margin, height));
    this.y += 6;
    this.text(vi, { size, bold: true, white: true });
    this.text(en, { size: englishSize(size), white: true });
    this.y = top + height + 10;
  }

  /** QR code with whole-dot modules so every module prints crisply. */
  qr(url: string, moduleDots: number): QrPlacement {
    const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const quiet = 2;
    const side = (size + 2 * quiet) * moduleDots;
    const left = Math.floor((this.width - side) / 2) + quiet * moduleDots;
    const top = this.y + quiet * moduleDots;
    this.ops.push((c) => {
      for (let row = 0; row < size; row++)
        for (let col = 0; col < size; col++)
          if (qr.modules.get(row, col))
            c.fillRect(left + col * moduleDots, top + row * moduleDots, moduleDots, moduleDots);
    });
    this.y += side;
    return { left, top, moduleDots, modules: qr.modules };
  }

  gap(dots: number): void {
    this.y += dots;
  }

  /** The ticket as 1-bit dots, white paper below the last line plus a margin. */
  render(scratch?: ScratchBuffer): MonoImage {
    const canvas = new MonoCanvas(this.width, this.y + this.margin, scratch);
    for (const op of this.ops) op(canvas);
    return canvas.image();
  }

  private draw(line: string, op: DrawOp): void {
    this.lines.push(line);
    this.ops.push(op);
  }

  private wrap(content: string, style: TextStyle, maxWidth = this.width - 2 * this.margin): string[] {
    const font = style.bold ? fonts().bold : fonts().regular;
    assertPrintable(content, font);
    // 3 % slack: the metrics ignore kerning.
    const fits = (s: string) => font.measure(s, style.size) * 1.03 <= maxWidth;
    const lines: string[] = [];
    let current = '';
    for (const word of content.split(/\s+/).filter(Boolean)) {
      const candidate = current ? `${current} ${word}` : word;
      if (fits(candidate)) current = candidate;
      else {
        if (current) lines.push(current);
        current = '';
        // A word wider than the paper (a long code, a URL) breaks between characters.
        for (const ch of word) {
          if (current && !fits(current + ch)) {
            lines.push(current);
            current = '';
          }
          current += ch;
        }
      }
    }
    if (current) lines.push(current);
    return lines;
  }
}

/** A character the font lacks would print as nothing: refuse the ticket instead of printing it wrong. */
function assertPrintable(text: string, font: TrueTypeFont): void {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (!/\s/.test(ch) && !font.hasGlyph(code)) {
      const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      throw printerError(
        'invalid_ticket',
        `Phông chữ không có ký tự ${hex} trong "${text}"`,
        `The font has no character ${hex} in "${text}"`,
      );
    }
  }
}

/** English lines are smaller, but never below what a 203 dpi head prints legibly. */
function englishSize(size: number): number {
  return Math.max(14, Math.round(size * 0.72));
}

/** Where the QR code was drawn, so tests can read it back from the printed image. */
export interface QrPlacement {
  left: number;
  top: number;
  moduleDots: number;
  modules: { size: number; get(row: number, col: number): number | boolean };
}

export interface TicketLayout {
  image: MonoImage;
  /** The printed lines of text, top to bottom. */
  lines: string[];
  qr: QrPlacement;
}

/**
 * The ticket drawn in printer dots, full paper width. Throws PrinterError on a bad ticket. With
 * `scratch`, the image lives in that reused buffer (valid until its next use).
 */
export function ticketLayout(
  ticket: PrintableTicket,
  paper: PaperWidth,
  scratch?: ScratchBuffer,
): TicketLayout {
  checkTicket(ticket);
  const width = PAPER_DOTS[paper];
  const k = width / 576;
  const s = (px: number) => Math.round(px * k);
  const flow = new TicketFlow(width, s(16));

  flow.bilingual(ticket.siteName.vi, ticket.siteName.en, s(26), true);
  flow.rule();
  flow.bilingual('SỐ THỨ TỰ CỦA QUÝ KHÁCH', 'Your ticket number', s(22));
  flow.text(ticket.number, { size: flow.fittedSize(ticket.number, s(136), true), bold: true });
  flow.gap(s(6));
  if (ticket.priorityLabel) flow.bilingual(ticket.priorityLabel.vi, ticket.priorityLabel.en, s(22), true);
  flow.bilingual(ticket.serviceName.vi, ticket.serviceName.en, s(26), true);
  const counters = ticket.counters.join(', ');
  flow.bilingual(`Quầy phục vụ: ${counters}`, `Serving counters: ${counters}`, s(24));

  if (ticket.offline) {
    flow.banner('VÉ CẤP NGOẠI TUYẾN', 'ISSUED OFFLINE', s(28));
    flow.bilingual('Chưa có ước tính thời gian chờ', 'No wait estimate available', s(22));
  } else {
    if (ticket.ahead !== undefined)
      flow.bilingual(
        `Số người chờ trước quý khách: ${ticket.ahead}`,
        `People ahead of you: ${ticket.ahead}`,
        s(24),
      );
    if (ticket.wait) {
      const { minMinutes: lo, maxMinutes: hi } = ticket.wait;
      const range = lo === hi ? `${lo}` : `${lo}–${hi}`;
      flow.bilingual(
        `Thời gian chờ dự kiến: khoảng ${range} phút`,
        `Estimated wait: about ${range} min`,
        s(24),
      );
    }
  }
  const issued = formatIssuedAt(ticket.issuedAt);
  flow.bilingual(`Giờ lấy số: ${issued}`, `Issued at: ${issued}`, s(22));

  if (ticket.procedure) {
    flow.rule();
    flow.bilingual(ticket.procedure.name.vi, ticket.procedure.name.en, s(24), true);
    flow.bilingual('Giấy tờ cần mang theo:', 'Papers to bring:', s(22));
    for (const paperItem of ticket.procedure.requiredPapers)
      flow.checkItem(paperItem.vi, paperItem.en, s(22));
  }

  flow.rule();
  const qr = flow.qr(ticket.publicUrl, paper === '80mm' ? 5 : 4);
  flow.gap(s(4));
  flow.bilingual('Quét mã để theo dõi số thứ tự', 'Scan to follow your ticket', s(22));
  return { image: flow.render(scratch), lines: flow.lines, qr };
}

/** The ticket in printer dots with the shipped font only, the same on every machine. */
export function renderTicket(ticket: PrintableTicket, paper: PaperWidth): MonoImage {
  return ticketLayout(ticket, paper).image;
}
