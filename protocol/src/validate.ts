/** The one validator used by the server, the device agent and the apps' build. */
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorBody, Lang, LocalizedText } from './messages.ts';
import { isRealDate } from './time.ts';

/**
 * A birth date: a real calendar day, from 1900 to today. "Today" is taken in the earliest time zone
 * (UTC+14) so that no zone's newborn is refused; the only clock read in this package.
 */
export function isBirthDate(text: string): boolean {
  const latest = new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
  return isRealDate(text) && text >= '1900-01-01' && text <= latest;
}

/** Formats of this package's schemas; any other Ajv that compiles them (Fastify's) must add these. */
export const PROTOCOL_FORMATS = { 'birth-date': isBirthDate };

const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: false, formats: PROTOCOL_FORMATS });
addFormats.default(ajv, ['date-time', 'date']);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** A schema for one of some strings: `oneOf('vi', 'en')` is `'vi' | 'en'` to Ajv and to TypeScript. */
export function oneOf<const T extends readonly string[]>(...values: T): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(values.map((v) => Type.Literal(v))) as never;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; path: string; text: LocalizedText };

export function validate<S extends TSchema>(schema: S, value: unknown): Validation<Static<S>> {
  let check = compiled.get(schema);
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(schema, check);
  }
  if (check(value)) return { ok: true, value: value as Static<S> };
  return { ok: false, ...describeErrors(check.errors ?? []) };
}

/**
 * The language a request asked for (its `lang` field), read even when the request failed its
 * schema, so that the refusal is in that language; Vietnamese by default.
 */
export function requestLang(body: unknown): Lang {
  return (body as { lang?: unknown } | null)?.lang === 'en' ? 'en' : 'vi';
}

/** The `invalid_request` error body for a failed validation, its message in `lang`. */
export function invalidRequestBody(text: LocalizedText, lang: Lang): ErrorBody {
  return { code: 'invalid_request', message: text[lang], text };
}

/**
 * Turns Ajv's errors (the first one decides) into a message naming the field, fully in Vietnamese
 * and in English. Also used for Fastify's HTTP schema errors.
 */
export function describeErrors(errors: readonly ErrorObject[]): { path: string; text: LocalizedText } {
  const e = errors.find((x) => x.keyword === 'anyOf') ?? errors[0];
  if (!e) return { path: '', text: { vi: 'Dữ liệu không hợp lệ', en: 'Invalid data' } };
  const base = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const params = e.params as Record<string, unknown>;
  const child = (name: unknown) => (base ? `${base}.${String(name)}` : String(name));
  if (e.keyword === 'required') {
    const path = child(params.missingProperty);
    return { path, text: { vi: `Thiếu trường "${path}"`, en: `missing field "${path}"` } };
  }
  if (e.keyword === 'additionalProperties') {
    const path = child(params.additionalProperty);
    return { path, text: { vi: `Trường không được hỗ trợ "${path}"`, en: `unknown field "${path}"` } };
  }
  const [vi, en] = ruleOf(e, errors);
  const subject = base
    ? { vi: `Trường "${base}"`, en: `field "${base}"` }
    : { vi: 'Nội dung', en: 'the body' };
  return { path: base, text: { vi: `${subject.vi} ${vi}`, en: `${subject.en} ${en}` } };
}

/** What the value must be, in both languages, for the keywords the schemas use. */
function ruleOf(e: ErrorObject, all: readonly ErrorObject[]): [string, string] {
  const p = e.params as Record<string, unknown>;
  const limit = String(p.limit);
  switch (e.keyword) {
    case 'type':
      return [`phải có kiểu ${String(p.type)}`, `must be of type ${String(p.type)}`];
    case 'minLength':
      return [`phải dài ít nhất ${limit} ký tự`, `must be at least ${limit} characters long`];
    case 'maxLength':
      return [`dài quá ${limit} ký tự`, `must be at most ${limit} characters long`];
    case 'minimum':
    case 'exclusiveMinimum':
      return [`phải ${p.comparison} ${limit}`, `must be ${p.comparison} ${limit}`];
    case 'maximum':
    case 'exclusiveMaximum':
      return [`phải ${p.comparison} ${limit}`, `must be ${p.comparison} ${limit}`];
    case 'minItems':
      return [`phải có ít nhất ${limit} phần tử`, `must have at least ${limit} items`];
    case 'maxItems':
      return [`có quá ${limit} phần tử`, `must have at most ${limit} items`];
    case 'pattern':
      return [
        `không đúng định dạng (mẫu ${String(p.pattern)})`,
        `does not match the pattern ${String(p.pattern)}`,
      ];
    case 'format':
      return p.format === 'birth-date'
        ? [
            'không phải ngày sinh hợp lệ (một ngày có thật, từ năm 1900 đến hôm nay)',
            'is not a valid birth date (a real day from 1900 to today)',
          ]
        : [`không đúng định dạng ${String(p.format)}`, `must be a valid ${String(p.format)}`];
    case 'const':
    case 'enum':
    case 'anyOf': {
      const allowed = all
        .filter((x) => x.keyword === 'const' && x.instancePath === e.instancePath)
        .map((x) => JSON.stringify((x.params as { allowedValue: unknown }).allowedValue));
      const list = (
        e.keyword === 'enum' ? (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)) : allowed
      ).join(', ');
      return list
        ? [`phải là một trong: ${list}`, `must be one of: ${list}`]
        : ['không phải giá trị được chấp nhận', 'is not an accepted value'];
    }
    default:
      return ['không hợp lệ', `is invalid (${e.keyword})`];
  }
}
