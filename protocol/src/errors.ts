import type { ErrorBody, ErrorCode, Lang, LocalizedText } from './messages.ts';

/** A refusal with a code from PROTOCOL.md and a message in both languages. Throwing it changes nothing. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly text: LocalizedText,
  ) {
    super(text.en);
    this.name = 'ProtocolError';
  }

  toBody(lang: Lang = 'vi'): ErrorBody {
    return { code: this.code, message: this.text[lang], text: this.text };
  }
}

export function fail(code: ErrorCode, vi: string, en: string): never {
  throw new ProtocolError(code, { vi, en });
}
