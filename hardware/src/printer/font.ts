import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Be Vietnam Pro (SIL OFL 1.1), shipped in hardware/fonts: it covers all of Vietnamese. */
export const FONT_FAMILY = 'Be Vietnam Pro';
export const FONT_FILES = {
  regular: fileURLToPath(new URL('../../fonts/BeVietnamPro-Regular.ttf', import.meta.url)),
  bold: fileURLToPath(new URL('../../fonts/BeVietnamPro-Bold.ttf', import.meta.url)),
} as const;

/**
 * Advance widths and character coverage read from a TrueType file (cmap format 4 + hmtx), so the
 * ticket layout can wrap lines without a browser. Kerning is ignored: callers keep a small margin.
 */
export class FontMetrics {
  private readonly glyphOf = new Map<number, number>();
  private readonly advances: number[] = [];
  readonly unitsPerEm: number;

  constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tables = readTableDirectory(view);
    const head = tableOffset(tables, 'head');
    this.unitsPerEm = view.getUint16(head + 18);
    const hhea = tableOffset(tables, 'hhea');
    const metricCount = view.getUint16(hhea + 34);
    const hmtx = tableOffset(tables, 'hmtx');
    for (let i = 0; i < metricCount; i++) this.advances.push(view.getUint16(hmtx + i * 4));
    readCmapFormat4(view, tableOffset(tables, 'cmap'), this.glyphOf);
  }

  static fromFile(path: string): FontMetrics {
    return new FontMetrics(readFileSync(path));
  }

  hasGlyph(codePoint: number): boolean {
    return (this.glyphOf.get(codePoint) ?? 0) !== 0;
  }

  /** Width of `text` in px at `fontSize` px. */
  measure(text: string, fontSize: number): number {
    let units = 0;
    for (const ch of text) {
      const glyph = this.glyphOf.get(ch.codePointAt(0)!) ?? 0;
      units += this.advances[Math.min(glyph, this.advances.length - 1)] ?? 0;
    }
    return (units * fontSize) / this.unitsPerEm;
  }
}

function readTableDirectory(view: DataView): Map<string, number> {
  const count = view.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(
      view.getUint8(at),
      view.getUint8(at + 1),
      view.getUint8(at + 2),
      view.getUint8(at + 3),
    );
    tables.set(tag, view.getUint32(at + 8));
  }
  return tables;
}

function tableOffset(tables: Map<string, number>, tag: string): number {
  const offset = tables.get(tag);
  if (offset === undefined) throw new Error(`font has no '${tag}' table`);
  return offset;
}

function readCmapFormat4(view: DataView, cmap: number, into: Map<number, number>): void {
  const subtables = view.getUint16(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 6 + i * 8);
    const at = cmap + view.getUint32(cmap + 8 + i * 8);
    const unicodeBmp = (platform === 3 && encoding === 1) || platform === 0;
    if (!unicodeBmp || view.getUint16(at) !== 4) continue;
    const segments = view.getUint16(at + 6) / 2;
    const ends = at + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    for (let s = 0; s < segments; s++) {
      const end = view.getUint16(ends + s * 2);
      const start = view.getUint16(starts + s * 2);
      const delta = view.getInt16(deltas + s * 2);
      const rangeOffsetAt = rangeOffsets + s * 2;
      const rangeOffset = view.getUint16(rangeOffsetAt);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
        else {
          const raw = view.getUint16(rangeOffsetAt + rangeOffset + (c - start) * 2);
          glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
        }
        if (glyph !== 0) into.set(c, glyph);
      }
    }
    return;
  }
  throw new Error('font has no Unicode BMP cmap (format 4)');
}
