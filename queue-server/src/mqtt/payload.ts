/** Parsing what devices publish: small JSON only, checked before JSON.parse and the schema see it. */
import type { LocalizedText } from '@oss/protocol';

/** Requests, statuses and events are flat objects with one or two nested levels. */
export const MAX_JSON_DEPTH = 8;

export const MAX_BYTES = { req: 16 * 1024, status: 2048, evt: 2048 } as const;

export type Parsed = { ok: true; value: unknown } | { ok: false; text: LocalizedText };

/** Deepest nesting of arrays and objects, counted on the bytes (strings skipped); stops past `limit`. */
export function jsonDepthExceeds(payload: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < payload.length; i++) {
    const c = payload[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** JSON of at most `maxBytes` and `MAX_JSON_DEPTH` levels, or a message saying which rule it broke. */
export function parseSmallJson(payload: Buffer, maxBytes: number): Parsed {
  if (payload.length > maxBytes)
    return {
      ok: false,
      text: {
        vi: `Nội dung quá lớn (${payload.length} byte, tối đa ${maxBytes})`,
        en: `payload too large (${payload.length} bytes, at most ${maxBytes})`,
      },
    };
  if (jsonDepthExceeds(payload, MAX_JSON_DEPTH))
    return {
      ok: false,
      text: {
        vi: `Nội dung lồng nhau quá sâu (tối đa ${MAX_JSON_DEPTH} cấp)`,
        en: `payload nested too deeply (at most ${MAX_JSON_DEPTH} levels)`,
      },
    };
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) };
  } catch {
    return { ok: false, text: { vi: 'Nội dung không phải JSON', en: 'payload is not JSON' } };
  }
}
