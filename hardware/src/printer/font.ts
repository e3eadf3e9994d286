import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PairKerning } from './kerning.ts';

/** Be Vietnam Pro (SIL OFL 1.1), shipped in hardware/fonts: it covers all of Vietnamese. */
export const FONT_FILES = {
  regular: fileURLToPath(new URL('../../fonts/BeVietnamPro-Regular.ttf', import.meta.url)),
  bold: fileURLToPath(new URL('../../fonts/BeVietnamPro-Bold.ttf', import.meta.url)),
} as const;

/**
 * A glyph outline flattened to straight edges in font units (y up): `[x0, y0, x1, y1, …]`, four
 * numbers per edge, every contour closed. Quadratic curves are cut into segments no further than
 * about 1/1000 em from the curve (0.14 dot at the 136-dot ticket number).
 */
export type GlyphEdges = Float32Array;

interface Point {
  x: number;
  y: number;
  onCurve: boolean;
}

/**
 * A TrueType (`glyf`) font read without a library: character coverage, advance widths and pair
 * kerning (cmap format 4, hmtx, GPOS) for the layout and the rasterizer alike, so that what is
 * measured is what is drawn; outlines (simple and composite glyphs) for the rasterizer.
 */
export class TrueTypeFont {
  readonly unitsPerEm: number;
  private readonly view: DataView;
  private readonly glyphOf = new Map<number, number>();
  private readonly advances: number[] = [];
  private readonly glyphStarts: number[] = [];
  private readonly glyf: number;
  private readonly edgesOf = new Map<number, GlyphEdges>();
  private readonly kerning: PairKerning;

  constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = view;
    const tables = readTableDirectory(view);
    const head = tableOffset(tables, 'head');
    this.unitsPerEm = view.getUint16(head + 18);
    const longOffsets = view.getInt16(head + 50) === 1;
    const glyphCount = view.getUint16(tableOffset(tables, 'maxp') + 4);
    const hhea = tableOffset(tables, 'hhea');
    const metricCount = view.getUint16(hhea + 34);
    const hmtx = tableOffset(tables, 'hmtx');
    for (let i = 0; i < metricCount; i++) this.advances.push(view.getUint16(hmtx + i * 4));
    const loca = tableOffset(tables, 'loca');
    for (let i = 0; i <= glyphCount; i++)
      this.glyphStarts.push(longOffsets ? view.getUint32(loca + i * 4) : view.getUint16(loca + i * 2) * 2);
    this.glyf = tableOffset(tables, 'glyf');
    readCmapFormat4(view, tableOffset(tables, 'cmap'), this.glyphOf);
    this.kerning = new PairKerning(view, tables.get('GPOS'));
  }

  static fromFile(path: string): TrueTypeFont {
    return new TrueTypeFont(readFileSync(path));
  }

  /** The glyph for a character; 0 (the missing-glyph box) when the font lacks it. */
  glyphId(codePoint: number): number {
    return this.glyphOf.get(codePoint) ?? 0;
  }

  hasGlyph(codePoint: number): boolean {
    return this.glyphId(codePoint) !== 0;
  }

  /** Advance width in font units. */
  advance(glyph: number): number {
    return this.advances[Math.min(glyph, this.advances.length - 1)] ?? 0;
  }

  /** How far the pen moves after `glyph`, in font units: its advance, kerned against `next`. */
  kernedAdvance(glyph: number, next: number | undefined): number {
    return this.advance(glyph) + (next === undefined ? 0 : this.kerning.between(glyph, next));
  }

  /** The glyphs of `text`, one per code point. */
  glyphs(text: string): number[] {
    const ids: number[] = [];
    for (const ch of text) ids.push(this.glyphId(ch.codePointAt(0)!));
    return ids;
  }

  /** Width of `text` in px at `fontSize` px. */
  measure(text: string, fontSize: number): number {
    const ids = this.glyphs(text);
    let units = 0;
    for (let i = 0; i < ids.length; i++) units += this.kernedAdvance(ids[i]!, ids[i + 1]);
    return (units * fontSize) / this.unitsPerEm;
  }

  /** The glyph's outline as edges in font units (cached: a ticket uses a few dozen glyphs). */
  edges(glyph: number): GlyphEdges {
    let edges = this.edgesOf.get(glyph);
    if (!edges) {
      const out: number[] = [];
      for (const contour of this.contours(glyph, 0)) flattenContour(contour, this.unitsPerEm / 1000, out);
      edges = Float32Array.from(out);
      this.edgesOf.set(glyph, edges);
    }
    return edges;
  }

  /** Contours of a glyph; composite glyphs (a letter + its marks) are assembled from their parts. */
  private contours(glyph: number, depth: number): Point[][] {
    const start = this.glyphStarts[glyph];
    const end = this.glyphStarts[glyph + 1];
    if (start === undefined || end === undefined || end <= start) return []; // a space
    if (depth > 8) throw new Error(`font: composite glyph ${glyph} nests too deep`);
    const at = this.glyf + start;
    const contourCount = this.view.getInt16(at);
    return contourCount >= 0
      ? readSimpleGlyph(this.view, at + 10, contourCount)
      : this.readCompositeGlyph(at + 10, depth);
  }

  private readCompositeGlyph(at: number, depth: number): Point[][] {
    const v = this.view;
    const result: Point[][] = [];
    let flags: number;
    do {
      flags = v.getUint16(at);
      const component = v.getUint16(at + 2);
      at += 4;
      let arg1: number;
      let arg2: number;
      if (flags & ARG_1_AND_2_ARE_WORDS) {
        arg1 = flags & ARGS_ARE_XY_VALUES ? v.getInt16(at) : v.getUint16(at);
        arg2 = flags & ARGS_ARE_XY_VALUES ? v.getInt16(at + 2) : v.getUint16(at + 2);
        at += 4;
      } else {
        arg1 = flags & ARGS_ARE_XY_VALUES ? v.getInt8(at) : v.getUint8(at);
        arg2 = flags & ARGS_ARE_XY_VALUES ? v.getInt8(at + 1) : v.getUint8(at + 1);
        at += 2;
      }
      let [a, b, c, d] = [1, 0, 0, 1];
      const f2dot14 = (offset: number) => v.getInt16(offset) / 16384;
      if (flags & WE_HAVE_A_SCALE) {
        a = d = f2dot14(at);
        at += 2;
      } else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) {
        [a, d] = [f2dot14(at), f2dot14(at + 2)];
        at += 4;
      } else if (flags & WE_HAVE_A_TWO_BY_TWO) {
        [a, b, c, d] = [f2dot14(at), f2dot14(at + 2), f2dot14(at + 4), f2dot14(at + 6)];
        at += 8;
      }
      const parts = this.contours(component, depth + 1).map((contour) =>
        contour.map((p) => ({ x: a * p.x + c * p.y, y: b * p.x + d * p.y, onCurve: p.onCurve })),
      );
      // Offsets are either a vector or "put my point arg2 on the assembled glyph's point arg1".
      let dx = arg1;
      let dy = arg2;
      if (!(flags & ARGS_ARE_XY_VALUES)) {
        const anchor = result.flat()[arg1];
        const own = parts.flat()[arg2];
        if (!anchor || !own) throw new Error(`font: composite glyph anchors a missing point`);
        dx = anchor.x - own.x;
        dy = anchor.y - own.y;
      }
      for (const contour of parts) result.push(contour.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy })));
    } while (flags & MORE_COMPONENTS);
    return result;
  }
}

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const ARGS_ARE_XY_VALUES = 0x0002;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;

function readSimpleGlyph(v: DataView, at: number, contourCount: number): Point[][] {
  const ends: number[] = [];
  for (let i = 0; i < contourCount; i++) ends.push(v.getUint16(at + i * 2));
  const pointCount = contourCount === 0 ? 0 : ends[contourCount - 1]! + 1;
  at += contourCount * 2;
  at += 2 + v.getUint16(at); // instructions: hinting, not used
  const flags: number[] = [];
  while (flags.length < pointCount) {
    const flag = v.getUint8(at++);
    flags.push(flag);
    if (flag & REPEAT) for (let n = v.getUint8(at++); n > 0; n--) flags.push(flag);
  }
  const readCoordinates = (short: number, sameOrPositive: number): number[] => {
    const values: number[] = [];
    let value = 0;
    for (const flag of flags) {
      if (flag & short) {
        const delta = v.getUint8(at++);
        value += flag & sameOrPositive ? delta : -delta;
      } else if (!(flag & sameOrPositive)) {
        value += v.getInt16(at);
        at += 2;
      }
      values.push(value);
    }
    return values;
  };
  const xs = readCoordinates(X_SHORT, X_SAME_OR_POSITIVE);
  const ys = readCoordinates(Y_SHORT, Y_SAME_OR_POSITIVE);
  const contours: Point[][] = [];
  let first = 0;
  for (const last of ends) {
    const contour: Point[] = [];
    for (let i = first; i <= last; i++)
      contour.push({ x: xs[i]!, y: ys[i]!, onCurve: (flags[i]! & ON_CURVE) !== 0 });
    contours.push(contour);
    first = last + 1;
  }
  return contours;
}

/**
 * Appends a closed TrueType contour (quadratic B-splines: two off-curve points in a row imply an
 * on-curve point halfway) as straight edges, curves cut finely enough to stay within `tolerance`.
 */
function flattenContour(points: Point[], tolerance: number, out: number[]): void {
  const n = points.length;
  if (n < 2) return;
  const mid = (p: Point, q: Point): Point => ({ x: (p.x + q.x) / 2, y: (p.y + q.y) / 2, onCurve: true });
  // Start on a curve point (or the implied one between the first two control points).
  const firstOn = points.findIndex((p) => p.onCurve);
  const start = firstOn >= 0 ? points[firstOn]! : mid(points[0]!, points[1]!);
  const offset = Math.max(firstOn, 0);
  let from = start;
  let control: Point | null = null;
  const line = (to: Point) => {
    out.push(from.x, from.y, to.x, to.y);
    from = to;
  };
  const curve = (c: Point, to: Point) => {
    // The distance between the curve and its chord is at most |p0 - 2c + p1| / 4.
    const deviation = Math.hypot(from.x - 2 * c.x + to.x, from.y - 2 * c.y + to.y) / 4;
    const steps = Math.min(32, Math.max(1, Math.ceil(Math.sqrt(deviation / tolerance))));
    const p0 = from;
    for (let s = 1; s <= steps; s++) {
      const t = s / steps;
      const u = 1 - t;
      line({
        x: u * u * p0.x + 2 * u * t * c.x + t * t * to.x,
        y: u * u * p0.y + 2 * u * t * c.y + t * t * to.y,
        onCurve: true,
      });
    }
  };
  for (let k = 1; k <= n; k++) {
    const p = points[(offset + k) % n]!;
    const closing = k === n;
    if (closing && firstOn < 0) {
      // Started on an implied point: the last control point still bends the closing segment.
      if (control) curve(control, mid(control, p));
      curve(p, start);
      return;
    }
    if (p.onCurve) {
      if (control) curve(control, p);
      else line(p);
      control = null;
    } else {
      if (control) curve(control, mid(control, p));
      control = p;
    }
  }
  if (control) curve(control, start);
  else if (from.x !== start.x || from.y !== start.y) line(start);
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
