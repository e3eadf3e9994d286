import type { LocalizedText } from '@oss/protocol';

/**
 * The shape of every hardware failure: a stable code the agent can act on and a message in
 * Vietnamese and English. Messages never carry scanned or personal content.
 */
export class HardwareError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    readonly text: LocalizedText,
    options?: { cause?: unknown },
  ) {
    super(text.en, options);
  }
}

/** `(code, vi, en, cause?) → error` for one subclass, so call sites stay one line. */
export function errorFactory<Code extends string, E>(
  Type: new (code: Code, text: LocalizedText, options?: { cause?: unknown }) => E,
): (code: Code, vi: string, en: string, cause?: unknown) => E {
  return (code, vi, en, cause) => new Type(code, { vi, en }, cause === undefined ? undefined : { cause });
}
