import type { TrueTypeFont } from './font.ts';
import { bytesPerRow, type MonoImage } from './raster.ts';

/** Samples per dot along each axis: 4 × 4 = 16 per dot. */
const SUB = 4;
/** A dot is inked when at least half of its samples are inside the shape (like a 50 % threshold). */
const INK_SAMPLES = (SUB * SUB) / 2;

/**
 * A 1-bit drawing surface in printer dots: rectangles and text straight into ESC/POS raster rows,
 * with no image library and no full-colour buffer (a ticket is ~100 KB of dots, not 3 MB of RGBA).
 * `ink = false` draws white, e.g. text on a black band.
 */
export class MonoCanvas {
  readonly data: Uint8Array;
  private readonly stride: number;

  /** `scratch`: draw into a reused buffer instead of a new one (see ScratchBuffer). */
  constructor(
    readonly width: number,
    readonly height: number,
    scratch?: ScratchBuffer,
  ) {
    this.stride = bytesPerRow(width);
    this.data = scratch ? scratch.take(this.stride * height) : new Uint8Array(this.stride * height);
  }

  image(): MonoImage {
    return { width: this.width, height: this.height, data: this.data };
  }

  setDot(x: number, y: number, ink: boolean): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = y * this.stride + (x >> 3);
    const bit = 0x80 >> (x & 7);
    this.data[i] = ink ? this.data[i]! | bit : this.data[i]! & ~bit;
  }

  /** A rectangle rounded to whole dots. */
  fillRect(x: number, y: number, width: number, height: number, ink = true): void {
    const x0 = Math.max(0, Math.round(x));
    const x1 = Math.min(this.width, Math.round(x + width));
    const y0 = Math.max(0, Math.round(y));
    const y1 = Math.min(this.height, Math.round(y + height));
    for (let row = y0; row < y1; row++) for (let col = x0; col < x1; col++) this.setDot(col, row, ink);
  }

  /** An outlined rectangle; the line is centred on the edge, as in SVG. */
  strokeRect(x: number, y: number, width: number, height: number, lineWidth: number): void {
    const h = lineWidth / 2;
    this.fillRect(x - h, y - h, width + lineWidth, lineWidth);
    this.fillRect(x - h, y + height - h, width + lineWidth, lineWidth);
    this.fillRect(x - h, y + h, lineWidth, height - lineWidth);
    this.fillRect(x + width - h, y + h, lineWidth, height - lineWidth);
  }

  /** Draws `text` with its left end at `x` and its baseline at `baseline`; returns the advance in dots. */
  text(font: TrueTypeFont, text: string, x: number, baseline: number, size: number, ink = true): number {
    const scale = size / font.unitsPerEm;
    const glyphs = font.glyphs(text);
    let pen = x;
    for (let i = 0; i < glyphs.length; i++) {
      this.fillEdges(font.edges(glyphs[i]!), pen, baseline, scale, ink);
      pen += font.kernedAdvance(glyphs[i]!, glyphs[i + 1]) * scale;
    }
    return pen - x;
  }

  /**
   * Fills a closed outline (font units, y up) placed at `originX, originY` with the non-zero winding
   * rule, sampling each dot 4 × 4 times: for each sample row, the edges' crossings sorted by x give
   * the spans inside the outline.
   */
  private fillEdges(
    edges: Float32Array,
    originX: number,
    originY: number,
    scale: number,
    ink: boolean,
  ): void {
    if (edges.length === 0) return;
    const count = edges.length / 4;
    // Device coordinates (y down), and the outline's bounding box.
    const device = work.floats(0, edges.length);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < edges.length; i += 2) {
      const dx = originX + edges[i]! * scale;
      const dy = originY - edges[i + 1]! * scale;
      device[i] = dx;
      device[i + 1] = dy;
      minX = Math.min(minX, dx);
      maxX = Math.max(maxX, dx);
      minY = Math.min(minY, dy);
      maxY = Math.max(maxY, dy);
    }
    const left = Math.max(0, Math.floor(minX));
    const right = Math.min(this.width, Math.ceil(maxX));
    const top = Math.max(0, Math.floor(minY));
    const bottom = Math.min(this.height, Math.ceil(maxY));
    if (left >= right || top >= bottom) return;
    const samples = work.samples.take(right - left);
    // Crossings of one sample row: x and direction (+1 down, -1 up), kept sorted by x on insertion
    // (a row crosses a glyph a handful of times).
    const xs = work.floats(1, count);
    const dirs = work.signs(count);
    for (let row = top; row < bottom; row++) {
      samples.fill(0);
      for (let s = 0; s < SUB; s++) {
        const sy = row + (s + 0.5) / SUB;
        let n = 0;
        for (let e = 0; e < count * 4; e += 4) {
          const y0 = device[e + 1]!;
          const y1 = device[e + 3]!;
          // Half-open in y so that a vertex shared by two edges is counted once.
          if (y0 <= sy ? y1 <= sy : y1 > sy) continue;
          const x0 = device[e]!;
          const x = x0 + ((sy - y0) * (device[e + 2]! - x0)) / (y1 - y0);
          let k = n++;
          for (; k > 0 && xs[k - 1]! > x; k--) {
            xs[k] = xs[k - 1]!;
            dirs[k] = dirs[k - 1]!;
          }
          xs[k] = x;
          dirs[k] = y1 > y0 ? 1 : -1;
        }
        let winding = 0;
        let spanStart = 0;
        for (let k = 0; k < n; k++) {
          if (winding === 0) spanStart = xs[k]!;
          winding += dirs[k]!;
          if (winding === 0) this.addSpan(samples, left, spanStart, xs[k]!);
        }
      }
      for (let i = 0; i < samples.length; i++)
        if (samples[i]! >= INK_SAMPLES) this.setDot(left + i, row, ink);
    }
  }

  /** Counts the sample columns (at sub-dot centres) between `from` and `to` into each dot. */
  private addSpan(samples: Uint8Array, left: number, from: number, to: number): void {
    const first = Math.max(0, Math.ceil((from - left) * SUB - 0.5));
    const last = Math.min(samples.length * SUB, Math.ceil((to - left) * SUB - 0.5));
    for (let k = first; k < last; k++) samples[(k / SUB) | 0]!++;
  }
}

/**
 * One growing buffer for images that live only until they are encoded, so that printing a ticket
 * does not allocate (and leave for the garbage collector) ~90 KB of dots each time. What `take`
 * returns is valid until the next `take`.
 */
export class ScratchBuffer {
  private buffer = new Uint8Array(0);

  /** `bytes` zeroed bytes. */
  take(bytes: number): Uint8Array {
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
    const view = this.buffer.subarray(0, bytes);
    view.fill(0);
    return view;
  }
}

/**
 * Working arrays of the outline fill, reused for every glyph (the fill is synchronous): a ticket
 * has ~600 glyphs, and new typed arrays for each were ~2,400 small allocations per ticket outside
 * the V8 heap, which fragment the process's memory.
 */
const work = {
  floatArrays: [new Float64Array(1024), new Float64Array(256)],
  /** Per-dot sample counts of one row. */
  samples: new ScratchBuffer(),
  signArray: new Int8Array(256),
  /** Slot 0: device coordinates; slot 1: crossings. */
  floats(slot: 0 | 1, length: number): Float64Array {
    if (this.floatArrays[slot]!.length < length) this.floatArrays[slot] = new Float64Array(length * 2);
    return this.floatArrays[slot]!;
  },
  signs(length: number): Int8Array {
    if (this.signArray.length < length) this.signArray = new Int8Array(length * 2);
    return this.signArray;
  },
};
