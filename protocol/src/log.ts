/**
 * The one logger of the site server and the device agent: one JSON line per record, and a last
 * defence for citizens' data. Callers log ids and codes only; still, every record is walked before it
 * is written: a field named like a person's name or ID (`name`, `fullName`, `idNumber`, `citizen`, …)
 * is replaced, and a 12-digit CCCD or 9-digit CMND number anywhere (message, values, keys, error
 * messages) is replaced too. The agent reads CCCD cards, so it needs this as much as the server.
 *
 * Node-only: imported as `@oss/protocol/log`, not from the package's main entry, which the browser
 * apps load. It writes to a sink it is given (stderr by default) and reads `OSS_LOG_LEVEL` only as a
 * default: the rest of `protocol` does no I/O, and this keeps the logger testable without a process.
 *
 * Not pino: pino's `redact` takes fixed paths only (`a.b.fullName`), not "this key at any depth" nor
 * "digits in any string", and it would add its worker and sonic-boom to the agent's memory budget.
 */
import { bilingual, type LocalizedText } from './messages.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** `OSS_LOG_LEVEL` (or another variable) is not a level: the text says which values are. */
export class LogLevelError extends Error {
  constructor(readonly text: LocalizedText) {
    super(bilingual(text));
    this.name = 'LogLevelError';
  }
}

/** A level from an environment variable: unset or empty is `info`; anything else must be a level. */
export function parseLogLevel(value: string | undefined, variable = 'OSS_LOG_LEVEL'): LogLevel {
  if (value === undefined || value.trim() === '') return 'info';
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  const allowed = LOG_LEVELS.join(', ');
  throw new LogLevelError({
    vi: `Biến ${variable}="${value}" không hợp lệ: chỉ nhận ${allowed} (để trống là info)`,
    en: `${variable}="${value}" is not a log level: use one of ${allowed} (empty means info)`,
  });
}

export const REDACTED = '[redacted]';

/**
 * 12 digits (CCCD) or 9 (CMND), alone or grouped by single spaces, dots or dashes, not part of a
 * longer number. A 13-digit millisecond time or an ISO date does not match.
 */
const ID_NUMBER = /(?<!\d)(?:\d[ .-]?){11}\d(?!\d)|(?<!\d)(?:\d[ .-]?){8}\d(?!\d)/g;

export function redactText(text: string): string {
  return text.replace(ID_NUMBER, REDACTED);
}

/** Field names (lower case, letters and digits only) whose value is a person's data. */
const PERSONAL_KEYS = new Set([
  'name',
  'hoten',
  'ten',
  'address',
  'diachi',
  'gender',
  'dob',
  'identity',
  'qr',
  'qrtext',
  'mrz',
  'can',
]);
/** Parts of a field name that make it personal wherever they appear (`citizenName`, `oldIdNumber`). */
const PERSONAL_KEY_PARTS = [
  'fullname',
  'holder',
  'personname',
  'fathername',
  'mothername',
  'idnumber',
  'cccd',
  'cmnd',
  'citizen',
  'birth',
  'nationalid',
  'personalid',
  'idhash',
  'maskedid',
];

export function isPersonalKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return PERSONAL_KEYS.has(k) || PERSONAL_KEY_PARTS.some((part) => k.includes(part));
}

const MAX_DEPTH = 8;

/** A copy of `value` safe to log: personal fields and ID numbers replaced, errors as name + message. */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    return redactText(text) === text ? value : REDACTED;
  }
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    return redactObject(value, depth, seen);
  } finally {
    seen.delete(value); // the same object twice side by side is not a cycle
  }
}

function redactObject(value: object, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: redactText(value.message),
      ...(code !== undefined ? { code: redactValue(code, depth + 1, seen) } : {}),
    };
  }
  if (value instanceof Date) return value.toISOString();
  // Raw bytes may be a card's data groups or a scanned QR: their size only.
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[redactText(key)] = isPersonalKey(key) ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}

/** The record's own keys: a field with the same name is kept under `_<name>`. */
const RESERVED = new Set(['t', 'level', 'name', 'msg']);

/** One JSON line, redacted. */
export function formatRecord(
  name: string,
  level: LogLevel,
  fields: object,
  message: string,
  at: Date,
): string {
  const record: Record<string, unknown> = { t: at.toISOString(), level, name, msg: redactText(message) };
  for (const [key, value] of Object.entries(redactValue(fields) as Record<string, unknown>))
    record[RESERVED.has(key) ? `_${key}` : key] = value;
  return `${JSON.stringify(record)}\n`;
}

/**
 * `level` defaults to `OSS_LOG_LEVEL` (a wrong value throws `LogLevelError`), `write` to stderr
 * (stdout stays free for what a CLI prints).
 */
export function createLogger(
  name: string,
  level: LogLevel = parseLogLevel(process.env.OSS_LOG_LEVEL),
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (l: LogLevel) => (fields: object, message: string) => {
    if (ORDER[l] < ORDER[level]) return;
    write(formatRecord(name, l, fields, message, new Date()));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
