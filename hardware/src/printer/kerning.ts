/**
 * Pair kerning from the OpenType GPOS table: the `kern` feature's pair adjustment lookups (type 2,
 * formats 1 and 2, also behind type 9 extensions) of the Latin script, or of the default one. Only
 * the first glyph's x advance is used: what horizontal text needs. Marks are not positioned (the
 * ticket's Vietnamese letters are precomposed glyphs).
 */

const PAIR_ADJUSTMENT = 2;
const EXTENSION = 9;
const X_ADVANCE = 0x0004;

interface PairSubtable {
  format: 1 | 2;
  at: number;
  coverage: number;
  format1: number;
  size1: number;
  size2: number;
}

export class PairKerning {
  private readonly lookups: PairSubtable[][];
  private readonly cache = new Map<number, number>();

  /** `gpos`: the table's offset in `view`, or undefined for a font without GPOS (no kerning). */
  constructor(
    private readonly view: DataView,
    gpos: number | undefined,
  ) {
    this.lookups = gpos === undefined ? [] : readKernLookups(view, gpos);
  }

  /** The change of `left`'s advance, in font units, when `right` follows it. */
  between(left: number, right: number): number {
    if (this.lookups.length === 0) return 0;
    const key = left * 65536 + right;
    let value = this.cache.get(key);
    if (value === undefined) {
      value = 0;
      for (const subtables of this.lookups) value += this.applyLookup(subtables, left, right);
      this.cache.set(key, value);
    }
    return value;
  }

  /** A lookup's first subtable that applies to the pair decides (as in HarfBuzz). */
  private applyLookup(subtables: PairSubtable[], left: number, right: number): number {
    for (const s of subtables) {
      const index = coverageIndex(this.view, s.coverage, left);
      if (index < 0) continue;
      const value = s.format === 1 ? this.pairFromSet(s, index, right) : this.pairFromClasses(s, left, right);
      if (value !== undefined) return value;
    }
    return 0;
  }

  private pairFromSet(s: PairSubtable, index: number, right: number): number | undefined {
    const v = this.view;
    const set = s.at + v.getUint16(s.at + 10 + index * 2);
    const record = 2 + s.size1 + s.size2;
    // PairValueRecords are sorted by the second glyph: binary search.
    let low = 0;
    let high = v.getUint16(set) - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = set + 2 + mid * record;
      const second = v.getUint16(at);
      if (second === right) return xAdvance(v, at + 2, s.format1);
      if (second < right) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  private pairFromClasses(s: PairSubtable, left: number, right: number): number | undefined {
    const v = this.view;
    const class1 = glyphClass(v, s.at + v.getUint16(s.at + 8), left);
    const class2 = glyphClass(v, s.at + v.getUint16(s.at + 10), right);
    const class1Count = v.getUint16(s.at + 12);
    const class2Count = v.getUint16(s.at + 14);
    if (class1 >= class1Count || class2 >= class2Count) return undefined;
    const record = s.size1 + s.size2;
    return xAdvance(v, s.at + 16 + (class1 * class2Count + class2) * record, s.format1);
  }
}

/** The pair adjustment subtables of each `kern` lookup, in lookup order. */
function readKernLookups(v: DataView, gpos: number): PairSubtable[][] {
  const scriptList = gpos + v.getUint16(gpos + 4);
  const featureList = gpos + v.getUint16(gpos + 6);
  const lookupList = gpos + v.getUint16(gpos + 8);
  const langSys = defaultLangSys(v, scriptList);
  if (langSys === undefined) return [];
  const lookupIndices = new Set<number>();
  const featureCount = v.getUint16(langSys + 4);
  for (let i = 0; i < featureCount; i++) {
    const feature = v.getUint16(langSys + 6 + i * 2);
    const record = featureList + 2 + feature * 6;
    if (tagAt(v, record) !== 'kern') continue;
    const table = featureList + v.getUint16(record + 4);
    const count = v.getUint16(table + 2);
    for (let j = 0; j < count; j++) lookupIndices.add(v.getUint16(table + 4 + j * 2));
  }
  return [...lookupIndices]
    .sort((a, b) => a - b)
    .map((index) => pairSubtables(v, lookupList + v.getUint16(lookupList + 2 + index * 2)))
    .filter((subtables) => subtables.length > 0);
}

/** The default language system of the `latn` script, else of `DFLT`. */
function defaultLangSys(v: DataView, scriptList: number): number | undefined {
  const scripts = new Map<string, number>();
  const count = v.getUint16(scriptList);
  for (let i = 0; i < count; i++) {
    const record = scriptList + 2 + i * 6;
    scripts.set(tagAt(v, record), scriptList + v.getUint16(record + 4));
  }
  const script = scripts.get('latn') ?? scripts.get('DFLT');
  if (script === undefined) return undefined;
  const offset = v.getUint16(script);
  return offset === 0 ? undefined : script + offset;
}

function pairSubtables(v: DataView, lookup: number): PairSubtable[] {
  const lookupType = v.getUint16(lookup);
  const count = v.getUint16(lookup + 4);
  const result: PairSubtable[] = [];
  for (let i = 0; i < count; i++) {
    let at = lookup + v.getUint16(lookup + 6 + i * 2);
    let type = lookupType;
    if (type === EXTENSION) {
      type = v.getUint16(at + 2);
      at += v.getUint32(at + 4);
    }
    if (type !== PAIR_ADJUSTMENT) continue;
    const format = v.getUint16(at);
    if (format !== 1 && format !== 2) continue;
    const format1 = v.getUint16(at + 4);
    result.push({
      format,
      at,
      coverage: at + v.getUint16(at + 2),
      format1,
      size1: valueRecordSize(format1),
      size2: valueRecordSize(v.getUint16(at + 6)),
    });
  }
  return result;
}

/** A ValueRecord holds one 16-bit field per bit set in its format. */
function valueRecordSize(format: number): number {
  let bits = 0;
  for (let f = format & 0xff; f; f >>= 1) bits += f & 1;
  return bits * 2;
}

/** The XAdvance field of a ValueRecord (fields come in bit order: XPlacement, YPlacement, XAdvance…). */
function xAdvance(v: DataView, record: number, format: number): number {
  if (!(format & X_ADVANCE)) return 0;
  return v.getInt16(record + valueRecordSize(format & (X_ADVANCE - 1)));
}

/** The glyph's index in a Coverage table, or -1. */
function coverageIndex(v: DataView, coverage: number, glyph: number): number {
  const format = v.getUint16(coverage);
  const count = v.getUint16(coverage + 2);
  let low = 0;
  let high = count - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (format === 1) {
      const g = v.getUint16(coverage + 4 + mid * 2);
      if (g === glyph) return mid;
      if (g < glyph) low = mid + 1;
      else high = mid - 1;
    } else {
      const range = coverage + 4 + mid * 6;
      const start = v.getUint16(range);
      const end = v.getUint16(range + 2);
      if (glyph < start) high = mid - 1;
      else if (glyph > end) low = mid + 1;
      else return v.getUint16(range + 4) + glyph - start;
    }
  }
  return -1;
}

/** The glyph's class in a ClassDef table (0 when not listed). */
function glyphClass(v: DataView, classDef: number, glyph: number): number {
  const format = v.getUint16(classDef);
  if (format === 1) {
    const start = v.getUint16(classDef + 2);
    const count = v.getUint16(classDef + 4);
    return glyph >= start && glyph < start + count ? v.getUint16(classDef + 6 + (glyph - start) * 2) : 0;
  }
  if (format !== 2) return 0;
  let low = 0;
  let high = v.getUint16(classDef + 2) - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = classDef + 4 + mid * 6;
    if (glyph < v.getUint16(range)) high = mid - 1;
    else if (glyph > v.getUint16(range + 2)) low = mid + 1;
    else return v.getUint16(range + 4);
  }
  return 0;
}

function tagAt(v: DataView, at: number): string {
  return String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));
}
