/**
 * A small structured logger (one JSON line per record). Personal data never goes in: callers pass
 * ids and codes only, and `redact` masks anything that looks like a CCCD number as a last defence.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const TWELVE_DIGITS = /\b(\d{4})\d{4}(\d{4})\b/g;

export function redact(text: string): string {
  return text.replace(TWELVE_DIGITS, '$1****$2');
}

export function createLogger(
  name: string,
  level: Level = (process.env.OSS_LOG_LEVEL as Level) || 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (l: Level) => (fields: object, message: string) => {
    if (ORDER[l] < ORDER[level]) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level: l, name, msg: message, ...fields });
    write(`${redact(line)}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
